package blocks

var facebookTrigger = triggerSpec("facebook", "facebook.trigger", "Facebook page",
	"Entry for a Facebook page: a visitor's wall post, a comment on the page's posts, or a Messenger message. The interaction leaves by the exit named after its kind.",
	[]string{"post", "comment", "message"},
	"type: facebook.trigger\nparams: {events: [comment, message]}\nnext: {comment: hours, message: hours}\n")
