/**
 * Accessible names and states for the workbook's widgets, in JupyterLab and in `workbook app`.
 *
 * ipywidgets gives no way to set ARIA attributes from Python. Each control's `tooltip` is what
 * it should be announced as: ipywidgets puts it on a text box itself (its `title`), and for the
 * other controls on their hidden description label, where no screen reader finds it. This plugin
 * moves that name onto the control (a slider's handle, a date input, a radio or button group),
 * names score buttons from their own tooltips, adds the pressed state of toggle buttons, makes
 * save statuses a polite live region and takes the slider's readout out of the Tab order (the
 * handle's `aria-valuetext` says the same). It needs nothing from JupyterLab, so it activates in
 * Voilà too, which loads the federated extensions.
 *
 * In JupyterLab, keys pressed inside an exercise stay there: a notebook in command mode would
 * otherwise take the arrow keys on a radio button (moving the cell cursor instead of the
 * choice) and its one-letter shortcuts.
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

/** Everything the workbook draws: exercises, progress, My progress. */
const OURS = '.wb-exercise, .wb-progress, .wb-my-progress';

function name(element: Element, label: string): void {
  // A ToggleButton without a tooltip renders title="null".
  if (label && label !== 'null' && element.getAttribute('aria-label') !== label) {
    element.setAttribute('aria-label', label);
  }
}

function set(element: Element, attribute: string, value: string): void {
  if (element.getAttribute(attribute) !== value) {
    element.setAttribute(attribute, value);
  }
}

/** One pass over a widget area: idempotent, so it can run after any change. */
function annotate(root: ParentNode): void {
  for (const label of root.querySelectorAll<HTMLElement>(
    `:is(${OURS}) .widget-label[title]`
  )) {
    const widget = label.parentElement;
    if (!widget) {
      continue;
    }
    const text = label.title;
    const handle = widget.querySelector('[role=slider]');
    if (handle) {
      name(handle, text);
      const readout = widget.querySelector('.widget-readout');
      if (readout) {
        set(readout, 'tabindex', '-1');
        set(readout, 'aria-hidden', 'true');
        set(handle, 'aria-valuetext', readout.textContent?.trim() ?? '');
      }
      continue;
    }
    const radios = widget.querySelector('.widget-radio-box');
    if (radios) {
      set(radios, 'role', 'radiogroup');
      name(radios, text);
      continue;
    }
    if (widget.classList.contains('widget-toggle-buttons')) {
      const group = widget.querySelector('.widget-toggle-button')?.parentElement;
      if (group) {
        set(group, 'role', 'group');
        name(group, text);
      }
      continue;
    }
    const input = widget.querySelector('input, select, textarea');
    if (input && !input.getAttribute('title')) {
      name(input, text);
    }
  }
  for (const button of root.querySelectorAll(
    `:is(${OURS}) button.widget-toggle-button`
  )) {
    const title = button.getAttribute('title');
    if (title) {
      name(button, title);
    }
    set(
      button,
      'aria-pressed',
      button.classList.contains('mod-active') ? 'true' : 'false'
    );
  }
  // A text box named by its own title: some screen readers take the (empty) description
  // label tied to it instead.
  for (const box of root.querySelectorAll(
    `:is(${OURS}) :is(textarea, input)[title]`
  )) {
    name(box, box.getAttribute('title') ?? '');
  }
  for (const status of root.querySelectorAll(`:is(${OURS}) .wb-status`)) {
    set(status, 'aria-live', 'polite');
  }
}

/** Keys pressed in an exercise are for its controls, not for the notebook's shortcuts. */
function keepKeys(event: KeyboardEvent): void {
  const target = event.target as Element | null;
  if (target?.closest?.('.wb-exercise') && event.key !== 'Escape') {
    event.stopPropagation();
  }
}

const a11y: JupyterFrontEndPlugin<void> = {
  id: 'workbook-lab:a11y',
  description:
    "Names the workbook's controls for screen readers and keeps their keys from the notebook.",
  autoStart: true,
  activate: (_app: JupyterFrontEnd) => {
    let queued = false;
    const observer = new MutationObserver(() => {
      if (!queued) {
        queued = true;
        requestAnimationFrame(() => {
          queued = false;
          annotate(document);
        });
      }
    });
    observer.observe(document.body, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
      attributeFilter: ['class', 'title']
    });
    annotate(document);
    // Bubbling, on the body: below JupyterLab's keydown handler on the document.
    document.body.addEventListener('keydown', keepKeys);
  }
};

export default a11y;
