// Jakarta Mail sends one message: java -cp JARS JakartaMail.java HOST PORT, or
// "version".  mail.smtp.timeout (per read) is infinite unless CLIENT_TIMEOUT gives
// one, in seconds.
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

public class JakartaMail {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("version")) {
            System.out.println("Jakarta Mail " + Session.class.getPackage().getImplementationVersion()
                + " (Java " + System.getProperty("java.version") + ")");
            return;
        }
        Properties p = new Properties();
        p.put("mail.smtp.host", args[0]);
        p.put("mail.smtp.port", args[1]);
        p.put("mail.smtp.localhost", "client.example");
        String timeout = System.getenv("CLIENT_TIMEOUT");
        if (timeout != null) {
            p.put("mail.smtp.timeout", String.valueOf((long) (Double.parseDouble(timeout) * 1000)));
        }
        MimeMessage m = new MimeMessage(Session.getInstance(p));
        m.setFrom(new InternetAddress("a@sender.example"));
        m.setRecipient(Message.RecipientType.TO, new InternetAddress("b@example.org"));
        m.setSubject("test");
        m.setText("one test message\n");
        Transport.send(m);
    }
}
