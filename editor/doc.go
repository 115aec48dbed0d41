// Package editor holds the browser editor: a TypeScript and React application in this folder,
// built by `make build` into dist/, which this package embeds so that one binary serves it.
package editor
