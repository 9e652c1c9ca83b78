package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/schollz/progressbar/v3"

	"github.com/sendcase/sendcase/importer"
)

func importCmd(args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: sendcase import --school ID [--dry-run] [--partial] FILE")
		fmt.Fprintln(fs.Output(), "Imports a school's SEN register from its MIS export (CSV), as the user whose token is")
		fmt.Fprintln(fs.Output(), "in SENDCASE_TOKEN (or --token). With the embedded NATS, stop `sendcase serve` first, or")
		fmt.Fprintln(fs.Output(), "use POST /v1/schools/{id}/imports on the running server.")
		fs.PrintDefaults()
	}
	school := fs.String("school", "", "school id (required)")
	dryRun := fs.Bool("dry-run", false, "report what would change, change nothing")
	partial := fs.Bool("partial", false, "import the good rows even if some are refused")
	token := fs.String("token", os.Getenv("SENDCASE_TOKEN"), "the importing user's token (SENDCASE_TOKEN)")
	startNode := nodeFlags(fs)
	asJSON := fs.Bool("json", false, "print the full report as JSON")
	quiet := fs.Bool("quiet", false, "no progress bar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *school == "" || fs.NArg() != 1 {
		fs.Usage()
		return errors.New("need --school and one FILE")
	}
	in, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer in.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	n, err := startNode(ctx)
	if err != nil {
		return err
	}
	defer n.Close()
	u, err := n.Service.Authenticate(ctx, *token)
	if err != nil {
		return errors.New("unknown token: set SENDCASE_TOKEN to the importing SENCO's token")
	}
	bar := progressbar.NewOptions(-1, progressbar.OptionSetDescription("importing"),
		progressbar.OptionSetWriter(os.Stderr), progressbar.OptionShowCount(), progressbar.OptionSetItsString("rows"),
		progressbar.OptionShowIts(), progressbar.OptionSetVisibility(!*quiet && !*dryRun), progressbar.OptionClearOnFinish())
	rep, err := n.Service.ImportRegister(ctx, u, *school, in, importer.Options{
		DryRun: *dryRun, Partial: *partial, Progress: func(done, total int) { bar.ChangeMax(total); _ = bar.Set(done) },
	})
	_ = bar.Finish()
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printReport(rep)
	if rep.Summary.Refused > 0 && !rep.Applied && !rep.DryRun {
		return errors.New("nothing was imported: correct the refused rows, or use --partial")
	}
	return nil
}

func printReport(rep importer.Report) {
	for _, r := range rep.Rows {
		switch r.Action {
		case importer.Refused:
			for _, e := range r.Errors {
				fmt.Printf("row %d\trefused\t%s: %s\n", r.Row, e.Column, e.Message)
			}
		case importer.Updated:
			fmt.Printf("row %d\tupdated\t%s %v\n", r.Row, r.UPN, r.Changes)
		}
	}
	for _, a := range rep.Absent {
		fmt.Printf("absent\t%s\t%s (on the roll, not in the file: left alone)\n", a.UPN, a.PupilID)
	}
	s := rep.Summary
	verb := "imported"
	switch {
	case rep.DryRun:
		verb = "dry run, nothing changed"
	case !rep.Applied:
		verb = "nothing imported"
	}
	fmt.Printf("%s: %d created, %d updated, %d unchanged, %d refused, %d absent\n", verb, s.Created, s.Updated, s.Unchanged, s.Refused, s.Absent)
}
