package cmd

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// isFlowFile tells whether a file name is a flow file: *.yaml, *.yml or *.json, but not a
// flow test (*.test.yaml).
func isFlowFile(name string) bool {
	if isTestFile(name) {
		return false
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// isTestFile tells whether a file name is a flow test file.
func isTestFile(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".test.yaml") || strings.HasSuffix(lower, ".test.yml")
}

// expandPaths turns files and directories into the files that match, in lexical order per
// directory. A file named directly is taken whatever its name; hidden directories are skipped.
func expandPaths(paths []string, match func(string) bool) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != p && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if match(d.Name()) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return slices.Compact(files), nil
}
