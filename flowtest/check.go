package flowtest

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/switchboardhq/switchboard/engine"
)

// Check runs every flow test file under the paths as Go subtests, one per case.
func Check(t *testing.T, reg *engine.Registry, paths ...string) []*SuiteResult {
	t.Helper()
	files, err := TestFiles(paths...)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no *.test.yaml files in %v", paths)
	}
	var results []*SuiteResult
	for _, f := range files {
		res := RunSuite(context.Background(), f, reg)
		results = append(results, res)
		t.Run(filepath.Base(f), func(t *testing.T) {
			if res.Err != nil {
				t.Fatalf("%v\n%s", res.Err, diagText(res))
			}
			for _, c := range res.Cases {
				t.Run(c.Case, func(t *testing.T) {
					if c.Err != nil {
						t.Fatalf("%s:%d: %v", f, c.Line, c.Err)
					}
					for _, fail := range c.Failures {
						t.Errorf("%s:%d: %s", f, c.Line, fail)
					}
				})
			}
		})
	}
	return results
}

// TestFiles finds the flow test files (*.test.yaml, *.test.yml) under files and directories.
func TestFiles(paths ...string) ([]string, error) {
	var out []string
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if IsTestFile(path) || path == p {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// IsTestFile tells whether a file name is a flow test file.
func IsTestFile(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".test.yaml") || strings.HasSuffix(lower, ".test.yml")
}
