// Publishing: a message that says what changed; the draft is saved first.

import { useState } from 'react'
import { useT } from '../i18n/I18n'

export function PublishDialog(props: { dirty: boolean; errors: number; busy: boolean; onPublish: (message: string) => void; onClose: () => void }) {
  const t = useT()
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
        <h2 id="publish-title">{t('publish.title')}</h2>
        {props.dirty && <p>{t('publish.savedFirst')}</p>}
        {props.errors > 0 && <p className="error">{t('publish.hasErrors', { count: props.errors })}</p>}
        <label>
          {t('publish.whatChanged')}
          <input aria-label={t('publish.message')} autoFocus value={message} placeholder={t('publish.placeholder')} onChange={(e) => setMessage(e.target.value)} />
        </label>
        <div className="actions">
          <button type="submit" className="primary" disabled={props.busy}>
            {t('publish.submit')}
          </button>
          <button type="button" className="link" onClick={props.onClose}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </div>
  )
}
