"""The page's own style and script, handed to Gradio when the app is mounted.

The style makes the chat fill the window, keeps text at a 4.5:1 contrast and lets the
four tabs fit a phone's width (Gradio otherwise hides the last ones behind a "More
tabs" menu). The script does what Gradio has no setting for: a question box left
blank is not sent, a new answer is held at its start (not its end) while it streams, the source
toggles say whether they are open (``aria-expanded``), the icon buttons Gradio
leaves unnamed get a name (or, inside a toggle, are taken out of the tab order), and the
comment field a thumbs-down opens floats just under that answer's thumbs, inside the
chat (Gradio has no per-message text field; the field stays one component).
"""

from __future__ import annotations

CSS = """
.advisor-note { font-size: var(--text-sm); color: var(--body-text-color); }
#advisor-chatbot blockquote {
  margin: 0.25em 0 0.5em; padding-left: 0.75em;
  border-left: 3px solid var(--color-accent); font-style: italic;
}
#advisor-chatbot p { margin: 0.25em 0; }
/* the advisor's messages carry their line breaks as <br>: no second break per line */
#advisor-chatbot [data-testid=bot] .md { white-space: normal; }
#advisor-chatbot { height: calc(100dvh - 240px) !important; min-height: 320px; }
#advisor-question textarea::placeholder { color: #595959; opacity: 1; }
button.primary { background: #c2410c !important; color: #fff !important; }
button.primary:hover { background: #9a3412 !important; }
button.stop { background: #b91c1c !important; color: #fff !important; }
button.stop:hover { background: #991b1b !important; }
#advisor-upload .or, #advisor-upload .wrap, #advisor-statement-upload .or,
#advisor-statement-upload .wrap, input.subdued {
  color: var(--body-text-color) !important;
}
.tab-container button.selected { color: #b45309 !important; }
footer, footer a, footer button, .show-api { color: #4b5563 !important; }
/* the comment field a thumbs-down opens, placed by the script under that answer */
#advisor-feedback.advisor-floating {
  position: fixed; z-index: 50; margin: 0; padding: 8px; border-radius: 8px;
  background: var(--background-fill-primary); border: 1px solid var(--border-color-accent);
  box-shadow: var(--shadow-drop-lg);
}
#advisor-chatbot .thought-group .title .icon-button { pointer-events: none; }
@media (max-width: 640px) {
  .tab-container button { padding-left: 6px !important; padding-right: 6px !important;
                          font-size: 14px !important; }
  #advisor-chatbot { height: calc(100dvh - 220px) !important; }
  .gradio-container { padding-left: 6px !important; padding-right: 6px !important; }
}
"""

JS = r"""
() => {
  const QUESTION = '#advisor-question textarea';
  const blank = () => {
    const box = document.querySelector(QUESTION);
    return !box || !box.value.trim();
  };
  // A blank question is not sent: Enter and the send button do nothing.
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && e.target.matches && e.target.matches(QUESTION)
        && blank()) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  document.addEventListener('click', (e) => {
    const send = e.target.closest && e.target.closest('#advisor-question .submit-button');
    if (send && blank()) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  // The comment field a thumbs-down opens sits under the thumbs that opened it, kept
  // inside the chat's box while the chat scrolls.
  let disliked = null;
  let placedFor = null;
  let placedHeight = 0;
  let roomy = null;  // the chat's scrolling box, given room for the field under the answer
  document.addEventListener('click', (e) => {
    const thumb = e.target.closest && e.target.closest('#advisor-chatbot button');
    if (thumb && /like/i.test(thumb.getAttribute('aria-label') || '')) disliked = thumb;
  }, true);
  const place = () => {
    const panel = document.querySelector('#advisor-feedback');
    const chat = document.querySelector('#advisor-chatbot');
    if (!panel || !chat) return;
    const open = panel.getClientRects().length > 0 && !!disliked && disliked.isConnected
      && /dislike/i.test(disliked.getAttribute('aria-label') || '');
    if (!open) {
      if (roomy) roomy.style.paddingBottom = '';
      placedFor = null;
      roomy = null;
      if (panel.classList.contains('advisor-floating')) panel.classList.remove('advisor-floating');
      return;
    }
    if (!panel.classList.contains('advisor-floating')) panel.classList.add('advisor-floating');
    const c = chat.getBoundingClientRect();
    const set = (k, v) => { if (panel.style[k] !== v) panel.style[k] = v; };
    set('left', `${c.left + 8}px`);
    set('width', `${c.width - 16}px`);
    let b = disliked.getBoundingClientRect();
    const h = panel.getBoundingClientRect().height;
    if (placedFor !== disliked || Math.abs(h - placedHeight) > 2) {
      // just opened (or grown): room under the thumbs, scrolled to
      placedFor = disliked;
      placedHeight = h;
      const box = scroller(disliked, true);
      if (box) {
        roomy = box;
        box.style.paddingBottom = `${h + 12}px`;
        const over = b.bottom + 6 + h - (c.bottom - 6);
        if (over > 0) box.scrollTop += over;
        b = disliked.getBoundingClientRect();
      }
    }
    const top = Math.max(c.top + 6, Math.min(b.bottom + 6, c.bottom - h - 6));
    set('top', `${top}px`);
  };
  document.addEventListener('scroll', place, true);
  window.addEventListener('resize', place);

  // the chat's scrolling box around el (with ``always``, even when it does not overflow)
  const scroller = (el, always = false) => {
    for (let e = el.parentElement; e; e = e.parentElement) {
      const y = getComputedStyle(e).overflowY;
      if ((y === 'auto' || y === 'scroll') && (always || e.scrollHeight > e.clientHeight)) {
        return e;
      }
      if (e.id === 'advisor-chatbot') return null;
    }
    return null;
  };
  const busy = () => {
    const box = document.querySelector(QUESTION);
    return !!box && box.disabled;  // the chat locks the box while an answer streams
  };
  let answers = 0;
  let anchor = null;  // the newest answer, held at the chat's top until it is complete
  const tidy = () => {
    const chat = document.querySelector('#advisor-chatbot');
    if (!chat) return;
    // a new answer: its first line at the top of the chat while the rest streams in
    // below; once complete the page is left alone (the reader scrolls from there)
    const rows = chat.querySelectorAll('.bot-row');
    if (rows.length !== answers) anchor = rows.length > answers ? rows[rows.length - 1] : null;
    answers = rows.length;
    if (anchor && !anchor.isConnected) anchor = rows.length ? rows[rows.length - 1] : null;
    if (anchor) {
      const box = scroller(anchor);
      if (box) {
        box.scrollTop += anchor.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
      }
      if (!busy()) anchor = null;
    }
    // source toggles: state for screen readers; their arrow is decoration
    chat.querySelectorAll('.thought-group .title[role=button]').forEach((t) => {
      const open = t.classList.contains('expanded') ? 'true' : 'false';
      if (t.getAttribute('aria-expanded') !== open) t.setAttribute('aria-expanded', open);
      t.querySelectorAll('button').forEach((b) => {
        if (!b.disabled) {
          b.disabled = true;
          b.setAttribute('aria-hidden', 'true');
        }
      });
    });
    // an empty chart's placeholder is named: give the name a role it is allowed on
    document.querySelectorAll('div.empty[aria-label]:not([role])').forEach((e) => {
      e.setAttribute('role', 'img');
    });
    const send = document.querySelector('#advisor-question .submit-button');
    if (send && !send.getAttribute('aria-label')) send.setAttribute('aria-label', 'Send question');
    document.querySelectorAll('button.icon-button[aria-label=""]').forEach((b) => {
      const name = b.getAttribute('title') || b.closest('.top-panel') && 'Chat tools' || 'Button';
      b.setAttribute('aria-label', name);
    });
    place();
  };
  new MutationObserver(tidy).observe(document.body, {
    subtree: true, childList: true, attributes: true,
    attributeFilter: ['class', 'disabled'],
  });
  tidy();
}
"""
