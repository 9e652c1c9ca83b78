package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// natsNode runs one clustered nats-server from the same module sendcase
// embeds, with JetStream synced to disk before every acknowledgement.
func natsNode(args []string) error {
	fs := flag.NewFlagSet("nats-node", flag.ContinueOnError)
	name := fs.String("name", "n1", "server name")
	port := fs.Int("port", 4222, "client port")
	clusterPort := fs.Int("cluster-port", 6222, "cluster port")
	routes := fs.String("routes", "", "comma-separated nats-route:// URLs of the other nodes")
	dir := fs.String("data", "./data/cluster", "JetStream storage")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := &server.Options{ServerName: *name, Host: "127.0.0.1", Port: *port, JetStream: true, StoreDir: *dir,
		SyncAlways: true, Cluster: server.ClusterOpts{Name: "sendcase", Host: "127.0.0.1", Port: *clusterPort}}
	for _, r := range strings.Split(*routes, ",") {
		if r == "" {
			continue
		}
		u, err := url.Parse(r)
		if err != nil {
			return fmt.Errorf("route %q: %w", r, err)
		}
		opts.Routes = append(opts.Routes, u)
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return err
	}
	ns.ConfigureLogger()
	go ns.Start()
	if !ns.ReadyForConnections(30 * time.Second) {
		return errors.New("nats node not ready")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	ns.Shutdown()
	ns.WaitForShutdown()
	return nil
}

// clusterDemo starts what a trust's production layout looks like, on one
// machine: three NATS nodes (R3 stream), two sendcase servers, and the
// projections in PostgreSQL when DATABASE_URL is set.
func clusterDemo(args []string) error {
	fs := flag.NewFlagSet("cluster-demo", flag.ContinueOnError)
	dir := fs.String("data", "./data/cluster", "where the three nodes keep their data")
	if err := fs.Parse(args); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	var children []*exec.Cmd
	defer func() {
		for _, c := range children {
			_ = c.Process.Signal(syscall.SIGTERM)
		}
		for _, c := range children {
			_ = c.Wait()
		}
	}()
	run := func(env []string, args ...string) error {
		c := exec.CommandContext(ctx, self, args...)
		c.Env = append(os.Environ(), env...)
		c.Stdout, c.Stderr = os.Stdout, os.Stderr
		c.Cancel = func() error { return c.Process.Signal(syscall.SIGTERM) }
		if err := c.Start(); err != nil {
			return err
		}
		children = append(children, c)
		return nil
	}
	var clientURLs []string
	for i := 1; i <= 3; i++ {
		var routes []string
		for j := 1; j <= 3; j++ {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", 6320+j))
			}
		}
		clientURLs = append(clientURLs, fmt.Sprintf("nats://127.0.0.1:%d", 4320+i))
		if err := run(nil, "nats-node", "-name", fmt.Sprintf("n%d", i), "-port", fmt.Sprint(4320+i), "-cluster-port", fmt.Sprint(6320+i),
			"-routes", strings.Join(routes, ","), "-data", filepath.Join(*dir, fmt.Sprintf("n%d", i))); err != nil {
			return err
		}
	}
	token := os.Getenv("SENDCASE_ADMIN_TOKEN")
	if token == "" {
		token = "demo-admin-token"
	}
	time.Sleep(3 * time.Second) // let the nodes elect a JetStream meta leader
	for i := 1; i <= 2; i++ {
		if err := run([]string{"NATS_URL=" + strings.Join(clientURLs, ","), "SENDCASE_REPLICAS=3", "SENDCASE_ADMIN_TOKEN=" + token,
			fmt.Sprintf("SENDCASE_ADDR=127.0.0.1:%d", 8080+i)}, "serve"); err != nil {
			return err
		}
	}
	projections := "in memory in each server"
	if os.Getenv("DATABASE_URL") != "" {
		projections = "in PostgreSQL, applied by one server at a time"
	}
	fmt.Printf("\nsendcase cluster demo: NATS %s (R3, sync always); sendcase at http://127.0.0.1:8081 and http://127.0.0.1:8082; projections %s; admin token %q. Ctrl-C stops everything.\n\n",
		strings.Join(clientURLs, ","), projections, token)
	<-ctx.Done()
	return nil
}
