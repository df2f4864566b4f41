// nodemailer sends one message: node nodemailer.js HOST PORT, or "version".
// NODE_PATH must hold the nodemailer the bench installed.  Its greetingTimeout
// is 30 s for the whole greeting, its socketTimeout 10 min idle; CLIENT_TIMEOUT
// sets both.
const nodemailer = require('nodemailer');

const [host, port] = process.argv.slice(2);
if (host === 'version') {
  console.log('nodemailer ' + require('nodemailer/package.json').version + ' (Node ' + process.version + ')');
  process.exit(0);
}
const options = { host, port: Number(port), ignoreTLS: true, name: 'client.example' };
if (process.env.CLIENT_TIMEOUT) {
  options.greetingTimeout = options.socketTimeout = Number(process.env.CLIENT_TIMEOUT) * 1000;
}
nodemailer.createTransport(options).sendMail(
  { from: 'a@sender.example', to: 'b@example.org', subject: 'test', text: 'one test message\n' },
  (err) => { if (err) { console.error(err.message); process.exit(1); } });
