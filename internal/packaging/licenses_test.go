package packaging

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// root is the repository's root, from this package's directory.
const root = "../.."

// allowed are the licences a dependency may have: Apache-2.0 compatible ones, and EPL-2.0 for
// elkjs, bundled unmodified as a separate library (the README says why that is fine).
var allowed = map[string]bool{
	"Apache-2.0": true, "MIT": true, "BSD-2-Clause": true, "BSD-3-Clause": true, "ISC": true,
	"MPL-2.0": true, "0BSD": true, "Unlicense": true, "EPL-2.0": true,
}

// onlyFor restricts a licence of the allow-list to the packages named.
var onlyFor = map[string][]string{"EPL-2.0": {"elkjs"}}

// acceptable says whether an SPDX expression is on the allow-list for a package: every term of
// an AND, and one alternative of an OR at least.
func acceptable(name, expr string) bool {
	for alt := range strings.SplitSeq(strings.Trim(expr, "()"), " OR ") {
		ok := true
		for term := range strings.SplitSeq(strings.Trim(alt, "()"), " AND ") {
			term = strings.TrimSpace(term)
			if !allowed[term] || (onlyFor[term] != nil && !slices.Contains(onlyFor[term], name)) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// row is a row of one of the README's dependency tables.
type row struct {
	names   []string
	license string
}

var linkText = regexp.MustCompile(`\[([^\]]+)\]\(`)

// dependencyRows reads the tables of the README's Dependencies section, keyed by the header of
// their first column (module or package), then by the name of each module or package.
func dependencyRows(t *testing.T) map[string]map[string]row {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	defer f.Close()
	tables := map[string]map[string]row{}
	in, kind := false, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "## ") {
			in = line == "## Dependencies"
			continue
		}
		if !in || !strings.HasPrefix(line, "|") {
			kind = ""
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case kind == "":
			require.Equal(t, "license", cells[1], "README's dependency table %q: the second column is the license", line)
			kind = cells[0]
			tables[kind] = map[string]row{}
		case strings.HasPrefix(cells[0], "---"):
		default:
			var r row
			for _, m := range linkText.FindAllStringSubmatch(cells[0], -1) {
				r.names = append(r.names, m[1])
			}
			require.NotEmpty(t, r.names, "README's dependency row %q names no module as a link", line)
			r.license = cells[1]
			for _, name := range r.names {
				tables[kind][name] = r
			}
		}
	}
	require.NoError(t, sc.Err())
	require.Contains(t, tables, "module", "README's Dependencies section has no table of Go modules")
	require.Contains(t, tables, "package", "README's Dependencies section has no table of npm packages")
	return tables
}

// module is a module of `go list -m -json all`.
type module struct {
	Path, Dir      string
	Main, Indirect bool
}

// detect names the licences a licence file's text grants, by the phrases each licence's text
// has, in the order of SPDX ids.
func detect(text string) []string {
	text = strings.Join(strings.Fields(text), " ")
	has := func(s string) bool { return strings.Contains(text, s) }
	var ids []string
	if has("Apache License") && has("Version 2.0") {
		ids = append(ids, "Apache-2.0")
	}
	if has("Redistribution and use in source and binary forms") {
		if has("Neither the name") || has("names of its contributors may be used") {
			ids = append(ids, "BSD-3-Clause")
		} else {
			ids = append(ids, "BSD-2-Clause")
		}
	}
	if has("Eclipse Public License - v 2.0") {
		ids = append(ids, "EPL-2.0")
	}
	if has("Permission to use, copy, modify, and/or distribute this software for any purpose") {
		ids = append(ids, "ISC")
	}
	if has("Permission is hereby granted, free of charge") {
		ids = append(ids, "MIT")
	}
	// the MPL's own text says "Version 2.0"; some projects head it "version 2.0", with a comma
	if has("Mozilla Public License Version 2.0") || has("Mozilla Public License, version 2.0") {
		ids = append(ids, "MPL-2.0")
	}
	return ids
}

// terms are the SPDX ids of an AND expression, sorted.
func terms(expr string) []string {
	ids := strings.Split(expr, " AND ")
	for i := range ids {
		ids[i] = strings.TrimSpace(ids[i])
	}
	slices.Sort(ids)
	return ids
}

var licenseFile = regexp.MustCompile(`(?i)^(licen[cs]e|copying)(\.(md|txt))?$`)

// TestGoDependenciesHaveRows requires a README row for every direct requirement of go.mod, with
// the licence its licence file in the module cache grants, on the allow-list.
func TestGoDependenciesHaveRows(t *testing.T) {
	rows := dependencyRows(t)["module"]
	cmd := exec.Command("go", "list", "-m", "-json", "all")
	cmd.Dir = root
	out, err := cmd.Output()
	require.NoError(t, err, "go list -m all")
	dec := json.NewDecoder(strings.NewReader(string(out)))
	direct := 0
	for dec.More() {
		var m module
		require.NoError(t, dec.Decode(&m))
		if m.Main || m.Indirect {
			continue
		}
		direct++
		r, ok := rows[m.Path]
		if !assertTrue(t, ok, "go.mod requires %s directly: give it a row (module, license, why) in the README's Dependencies section", m.Path) {
			continue
		}
		assertTrue(t, acceptable(m.Path, r.license), "%s: the license %q is not on the allow-list", m.Path, r.license)
		if !assertTrue(t, m.Dir != "", "%s is not in the module cache: run go mod download", m.Path) {
			continue
		}
		entries, err := os.ReadDir(m.Dir)
		require.NoError(t, err)
		var found []string
		for _, e := range entries {
			if licenseFile.MatchString(e.Name()) {
				text, err := os.ReadFile(filepath.Join(m.Dir, e.Name()))
				require.NoError(t, err)
				found = append(found, detect(string(text))...)
			}
		}
		slices.Sort(found)
		found = slices.Compact(found)
		require.NotEmpty(t, found, "%s: no licence file of a known licence in %s", m.Path, m.Dir)
		require.Equal(t, found, terms(r.license), "%s: the README says %q, its licence files in %s grant %s",
			m.Path, r.license, m.Dir, strings.Join(found, " AND "))
	}
	require.Positive(t, direct, "go list found no direct requirement")
}

// assertTrue reports a failure without stopping the test, so that one run names every
// dependency that lacks a row.
func assertTrue(t *testing.T, ok bool, format string, args ...any) bool {
	t.Helper()
	if !ok {
		t.Errorf(format, args...)
	}
	return ok
}

// packageLock is what the test reads of the editor's package-lock.json.
type packageLock struct {
	Packages map[string]struct {
		Version string `json:"version"`
		License string `json:"license"`
		Dev     bool   `json:"dev"`
	} `json:"packages"`
}

// TestNPMDependenciesHaveRows requires a README row for every package of the editor's
// dependencies (and any devDependencies the README lists) with the licence npm recorded for it,
// and every package the editor may bundle (the lock file's non-development packages) on the
// allow-list.
func TestNPMDependenciesHaveRows(t *testing.T) {
	rows := dependencyRows(t)["package"]
	var manifest struct {
		License         string            `json:"license"`
		Dependencies    map[string]string `json:"dependencies"`
		DevDependencies map[string]string `json:"devDependencies"`
	}
	readJSON(t, filepath.Join(root, "editor", "package.json"), &manifest)
	require.Equal(t, "Apache-2.0", manifest.License, "editor/package.json: license")
	var lock packageLock
	readJSON(t, filepath.Join(root, "editor", "package-lock.json"), &lock)
	require.NotEmpty(t, manifest.Dependencies)
	for name := range manifest.Dependencies {
		if _, ok := rows[name]; !ok {
			t.Errorf("editor/package.json depends on %s: give it a row (package, license, why) in the README's Dependencies section", name)
		}
	}
	for name, r := range rows {
		_, dep := manifest.Dependencies[name]
		_, dev := manifest.DevDependencies[name]
		if !assertTrue(t, dep || dev, "the README lists %s, which editor/package.json does not name", name) {
			continue
		}
		locked, ok := lock.Packages["node_modules/"+name]
		if !assertTrue(t, ok, "%s is not in editor/package-lock.json", name) {
			continue
		}
		assertTrue(t, locked.License == r.license, "%s: the README says %q, package-lock.json %q", name, r.license, locked.License)
		assertTrue(t, acceptable(name, r.license), "%s: the license %q is not on the allow-list", name, r.license)
	}
	for path, p := range lock.Packages {
		if path == "" || p.Dev {
			continue
		}
		name := path[strings.LastIndex(path, "node_modules/")+len("node_modules/"):]
		assertTrue(t, acceptable(name, p.License), "%s %s, which the editor may bundle: the license %q is not on the allow-list",
			name, p.Version, p.License)
	}
}

// TestLicense requires the Apache License 2.0 at the root, whole: its terms and its appendix.
func TestLicense(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(root, "LICENSE"))
	require.NoError(t, err)
	s := string(text)
	require.Equal(t, []string{"Apache-2.0"}, detect(s))
	for _, part := range []string{"TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION", "9. Accepting Warranty or Additional Liability.",
		"END OF TERMS AND CONDITIONS", "APPENDIX: How to apply the Apache License to your work.", "limitations under the License."} {
		require.Contains(t, s, part, "LICENSE is not the whole Apache License 2.0")
	}
}

// TestEditorThirdPartyLicenses requires the built editor's third-party-licenses.txt to hold the
// licence of every package of the editor's dependencies, the worker's elkjs included; it is
// skipped when the editor is not built.
func TestEditorThirdPartyLicenses(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(root, "editor", "dist", "third-party-licenses.txt"))
	if os.IsNotExist(err) {
		t.Skip("the editor is not built (make editor)")
	}
	require.NoError(t, err)
	var manifest struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	readJSON(t, filepath.Join(root, "editor", "package.json"), &manifest)
	var lock packageLock
	readJSON(t, filepath.Join(root, "editor", "package-lock.json"), &lock)
	for name := range manifest.Dependencies {
		p := lock.Packages["node_modules/"+name]
		heading := "\n## " + name + " - " + p.Version + " (" + p.License + ")\n"
		require.Contains(t, string(text), heading, "editor/dist/third-party-licenses.txt lacks %s: rebuild the editor (make editor)", name)
	}
	require.Contains(t, string(text), "Eclipse Public License - v 2.0", "the EPL-2.0 text that elkjs comes with")
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, v), path)
}
