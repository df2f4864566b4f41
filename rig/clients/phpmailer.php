<?php
// PHPMailer sends one message: php phpmailer.php HOST PORT, or "version".
// Its Timeout (300 s) is per read, its Timelimit (300 s) cuts one reply;
// CLIENT_TIMEOUT sets both.
require '/usr/share/php/libphp-phpmailer/autoload.php';

use PHPMailer\PHPMailer\PHPMailer;

if ($argv[1] === 'version') {
    echo 'PHPMailer ' . PHPMailer::VERSION . ' (PHP ' . PHP_VERSION . ")\n";
    exit(0);
}
$mail = new PHPMailer(true);
$mail->isSMTP();
$mail->Host = $argv[1];
$mail->Port = (int)$argv[2];
$mail->SMTPAutoTLS = false;
$mail->Hostname = 'client.example';
if (getenv('CLIENT_TIMEOUT')) {
    $mail->Timeout = (int)getenv('CLIENT_TIMEOUT');
    $mail->getSMTPInstance()->Timelimit = (int)getenv('CLIENT_TIMEOUT');
}
$mail->setFrom('a@sender.example');
$mail->addAddress('b@example.org');
$mail->Subject = 'test';
$mail->Body = "one test message\n";
try {
    $mail->send();
} catch (Exception $e) {
    fwrite(STDERR, $e->getMessage() . "\n");
    exit(1);
}
