// The emoji the reply box offers: a small set agents use most, built in.
export const emoji = ['😀', '😊', '🙂', '😉', '😍', '🤗', '🙏', '👍', '👋', '👌', '🎉', '❤️', '💙', '⭐', '✅', '❗', '❓', '⏳', '📦', '🚚', '💳', '📞', '📧', '😢']
