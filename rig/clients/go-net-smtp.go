// Go's net/smtp sends one message: go run go-net-smtp.go HOST PORT, or "version".
// It has no timeout of its own; CLIENT_TIMEOUT sets a deadline on the connection.
package main

import (
	"fmt"
	"net"
	"net/smtp"
	"os"
	"runtime"
	"strconv"
	"time"
)

func main() {
	if os.Args[1] == "version" {
		fmt.Println("net/smtp (" + runtime.Version() + ")")
		return
	}
	conn, err := net.Dial("tcp", net.JoinHostPort(os.Args[1], os.Args[2]))
	if err == nil {
		if t, _ := strconv.ParseFloat(os.Getenv("CLIENT_TIMEOUT"), 64); t > 0 {
			conn.SetDeadline(time.Now().Add(time.Duration(t * float64(time.Second))))
		}
		err = send(conn, os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// send does what smtp.SendMail does, on a connection made here.
func send(conn net.Conn, host string) error {
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	if err = c.Hello("client.example"); err != nil {
		return err
	}
	if err = c.Mail("a@sender.example"); err != nil {
		return err
	}
	if err = c.Rcpt("b@example.org"); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	fmt.Fprint(w, "Subject: test\r\n\r\none test message\r\n")
	if err = w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
