package cmd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

func healthcheckCommand(env Env) *cobra.Command {
	var url string
	var timeout time.Duration
	c := &cobra.Command{
		Use:   "healthcheck [--url URL] [--timeout DURATION]",
		Short: "Exit 0 when a server answers /readyz with 200, 1 otherwise",
		Long: `Healthcheck asks a running server whether it can serve (GET /readyz by default) and exits
0 when it answers 200, 1 when it answers anything else or nothing within --timeout, printing
why. It is the container image's HEALTHCHECK, which has no curl.`,
		Example: "  switchboard healthcheck\n  switchboard healthcheck --url http://127.0.0.1:8081/readyz",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
				return usageError("--url %q: give an http:// or https:// URL, such as http://127.0.0.1:8080/readyz", url)
			}
			if timeout <= 0 {
				return usageError("--timeout %s: give a positive duration, such as 5s", timeout)
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return usageError("--url %q: %v", url, err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return &exitError{code: ExitProblems, err: fmt.Errorf("not healthy: %w", err)}
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			if resp.StatusCode != http.StatusOK {
				return &exitError{code: ExitProblems, err: fmt.Errorf("not healthy: GET %s answered %s: %s", url, resp.Status, strings.TrimSpace(string(body)))}
			}
			fmt.Fprintf(env.Stdout, "healthy: GET %s answered %s\n", url, resp.Status)
			return nil
		},
	}
	c.Flags().StringVar(&url, "url", "http://127.0.0.1:8080/readyz", "the URL to GET")
	c.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "how long to wait for the answer")
	return c
}
