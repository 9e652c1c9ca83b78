package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sendcase/sendcase/internal/node"
)

// adminCmd is `sendcase admin invite`: the first administrator of a new
// service (or one who has lost their passkeys) gets a one-time link.
func adminCmd(args []string) error {
	if len(args) == 0 || args[0] != "invite" {
		return errors.New("usage: sendcase admin invite --email ADDRESS [--name NAME]")
	}
	fs := flag.NewFlagSet("admin invite", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: sendcase admin invite --email ADDRESS [--name NAME]")
		fmt.Fprintln(fs.Output(), "Creates the service administrator with this email if there is none, and prints a")
		fmt.Fprintln(fs.Output(), "one-time link (72 hours) to set up a passkey. With the embedded NATS, stop")
		fmt.Fprintln(fs.Output(), "`sendcase serve` first (it holds the data directory), then start it again.")
		fs.PrintDefaults()
	}
	email := fs.String("email", "", "the administrator's email (required)")
	name := fs.String("name", "", "their name (default: Service administrator)")
	publicURL := fs.String("public-url", env("SENDCASE_PUBLIC_URL", ""), "where people reach the service (SENDCASE_PUBLIC_URL; default http://localhost:<port of SENDCASE_ADDR>)")
	startNode := nodeFlags(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" {
		fs.Usage()
		return errors.New("need --email")
	}
	if *publicURL == "" {
		*publicURL = localURL(env("SENDCASE_ADDR", ":8080"), os.Getenv("SENDCASE_TLS_CERT") != "")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	n, err := startNode(ctx, func(c *node.Config) { c.PublicURL = *publicURL })
	if err != nil {
		return err
	}
	defer n.Close()
	inv, err := n.Service.InviteAdmin(ctx, *name, *email)
	if err != nil {
		return err
	}
	fmt.Printf("Open this link within 72 hours (until %s) to set up the administrator's passkey:\n\n  %s\n\n",
		inv.ExpiresAt.Local().Format("02/01/2006 15:04"), inv.Link)
	fmt.Println("It works once. Keep it to yourself: whoever opens it becomes the administrator.")
	return nil
}
