// Publishing: a message that says what changed; the draft is saved first.

import { useState } from 'react'

export function PublishDialog(props: { dirty: boolean; errors: number; busy: boolean; onPublish: (message: string) => void; onClose: () => void }) {
  const [message, setMessage] = useState('')
  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="publish-title"
        onSubmit={(e) => {
          e.preventDefault()
          props.onPublish(message)
        }}
      >
        <h2 id="publish-title">Publish a new version</h2>
        {props.dirty && <p>Your changes are saved first.</p>}
        {props.errors > 0 && <p className="error">The draft has {props.errors} errors; the server will refuse it until they are fixed.</p>}
        <label>
          What changed
          <input aria-label="Publish message" autoFocus value={message} placeholder="billing keywords in Portuguese" onChange={(e) => setMessage(e.target.value)} />
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={props.busy}>
            Publish
          </button>
          <button type="button" className="link" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  )
}
