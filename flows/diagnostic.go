package flows

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Severity says whether a diagnostic stops a flow from loading.
type Severity string

// The severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// The diagnostic codes. They are stable: tools and tests may rely on them.
const (
	CodeSyntax           = "syntax"
	CodeTooLarge         = "too-large"
	CodeTooManyBlocks    = "too-many-blocks"
	CodeTooManyAliases   = "too-many-aliases"
	CodeUnknownField     = "unknown-field"
	CodeMissingField     = "missing-field"
	CodeBadValue         = "bad-value"
	CodeUnknownBlockType = "unknown-block-type"
	CodeBadExpression    = "bad-expression"
	CodeUnknownExit      = "unknown-exit"
	CodeDanglingNext     = "dangling-next"
	CodeUnreachableBlock = "unreachable-block"
	CodeNoTrigger        = "no-trigger"
	CodeUnwiredExit      = "unwired-exit"
	CodeLoopWithoutWait  = "loop-without-wait"
	CodeDuplicateKey     = "duplicate-key"
	CodeBadID            = "bad-id"
	CodeUnsetVar         = "unset-var"
)

// Codes lists every diagnostic code with its severity and what it means, for the docs.
var Codes = []struct {
	Code     string
	Severity Severity
	Meaning  string
}{
	{CodeSyntax, Error, "the file is not valid YAML or JSON"},
	{CodeTooLarge, Error, "the file is larger than the limit, in bytes or in values"},
	{CodeTooManyBlocks, Error, "the flow has more blocks than the limit"},
	{CodeTooManyAliases, Error, "YAML aliases expand to more nodes than the limit (an alias bomb)"},
	{CodeUnknownField, Error, "a key the format or the block's spec does not have"},
	{CodeMissingField, Error, "a required key is missing"},
	{CodeBadValue, Error, "a value of the wrong kind, not one of the allowed values, or badly formed"},
	{CodeUnknownBlockType, Error, "a block type that is not registered"},
	{CodeBadExpression, Error, "an expression or template hole that does not compile"},
	{CodeUnknownExit, Error, "`next` names an exit the block does not have"},
	{CodeDanglingNext, Error, "`next` leads to a block that does not exist"},
	{CodeUnreachableBlock, Warning, "no trigger leads to the block"},
	{CodeNoTrigger, Error, "the flow has no trigger block"},
	{CodeUnwiredExit, Warning, "an exit is not wired; a session that takes it ends there"},
	{CodeLoopWithoutWait, Error, "a cycle of blocks with no waiting block in it could spin forever"},
	{CodeDuplicateKey, Error, "a key written twice in one mapping"},
	{CodeBadID, Error, "a flow or block id that does not match [a-z0-9][a-z0-9_-]{0,63}"},
	{CodeUnsetVar, Warning, "a variable is read but never declared or set"},
}

// Diagnostic is one problem in a flow file, placed on the line of the thing it names.
type Diagnostic struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Column   int      `json:"column"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	// Path is where the problem is inside the document: "blocks.hours.params.timezone".
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s [%s]", d.File, d.Line, d.Column, d.Severity, d.Message, d.Code)
}

// Diagnostics are the problems of one or more files.
type Diagnostics []Diagnostic

// HasErrors tells whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	return slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Severity == Error })
}

// Count returns the number of errors and warnings.
func (ds Diagnostics) Count() (errors, warnings int) {
	for _, d := range ds {
		if d.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// Sort orders diagnostics by file, line, column and code.
func (ds Diagnostics) Sort() {
	slices.SortStableFunc(ds, func(a, b Diagnostic) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column), cmp.Compare(a.Code, b.Code))
	})
}

// WriteText writes one line per diagnostic: file:line:col: severity: message [code].
func (ds Diagnostics) WriteText(w io.Writer) error {
	for _, d := range ds {
		if _, err := fmt.Fprintln(w, d.String()); err != nil {
			return err
		}
	}
	return nil
}

// WriteGitHub writes GitHub Actions workflow commands, which annotate the lines in a pull request.
func (ds Diagnostics) WriteGitHub(w io.Writer) error {
	for _, d := range ds {
		level := "error"
		if d.Severity == Warning {
			level = "warning"
		}
		_, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", level,
			escapeProperty(d.File), d.Line, d.Column, escapeProperty(d.Code), escapeData(d.Message))
		if err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON writes the diagnostics as a JSON array (an empty array when there are none).
func (ds Diagnostics) WriteJSON(w io.Writer) error {
	if ds == nil {
		ds = Diagnostics{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(ds)
}

// GitHub's workflow commands escape %, CR and LF in data, and also : and , in properties.
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
