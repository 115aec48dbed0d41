package main

import (
	_ "github.com/switchboardhq/switchboard/blocks" // the built-in blocks
	"github.com/switchboardhq/switchboard/cmd"
	"github.com/switchboardhq/switchboard/editor"
)

func main() {
	cmd.EditorFiles = editor.Files()
	cmd.Main()
}
