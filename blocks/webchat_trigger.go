package blocks

var webchatTrigger = triggerSpec("webchat", "webchat.trigger", "Web chat",
	"Entry for a web chat or any system that posts interactions as JSON to a webchat channel.",
	[]string{"message"},
	"type: webchat.trigger\nnext: {message: topic}\n")
