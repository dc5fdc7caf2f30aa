/**
 * Words typed into a workbook notebook that its kernel has not acknowledged as saved.
 *
 * A kernel stopped elsewhere (the notebook opened on another device) takes what is typed before
 * this page hears of it and saves none of it. So each text box's words are kept here from the
 * first keystroke until the exercise's status has said "Saving…" and then "Saved" after it.
 * When the cells have run again in a fresh kernel (`reapply`), words still kept are put back into
 * the same box, which saves them, as long as the box still holds what it held before they were
 * typed. If it holds something else, another window saved a different answer meanwhile: that is
 * the later edit and it stays, and a notification offers this window's words instead.
 */

import { Notification } from '@jupyterlab/apputils';

/** The text boxes of an exercise: in the same order on every run of its cell. */
const TEXT_BOXES = 'textarea, input[type=text]';
/** How long a re-run's widgets may take to be drawn. */
const DRAWN_MS = 10_000;

interface IWords {
  exercise: string;
  /** Which of the exercise's text boxes. */
  index: number;
  /** What the box held before these words: what the store held, as far as this page knows. */
  before: string;
  value: string;
  /** "Saving…" shown after the last keystroke: the next "Saved" includes it. */
  saving: boolean;
}

type TextBox = HTMLTextAreaElement | HTMLInputElement;

/** A text box in an exercise, and its key in `UnsavedWords.words`. */
interface IBox {
  key: string;
  box: TextBox;
  exercise: string;
  index: number;
}

function exerciseOf(element: Element): { node: Element; id: string } | null {
  const node = element.closest('.wb-exercise');
  const id = node && [...node.classList].find(name => name.startsWith('wb-ex-'));
  return node && id ? { node, id } : null;
}

function textBoxes(exercise: Element): TextBox[] {
  return [...exercise.querySelectorAll<TextBox>(TEXT_BOXES)];
}

/** Type `value` into a box as the learner would: ipywidgets listens to these events. */
function type(box: TextBox, value: string): void {
  box.value = value;
  box.dispatchEvent(new Event('input', { bubbles: true }));
  box.dispatchEvent(new Event('change', { bubbles: true }));
}

export class UnsavedWords {
  constructor(private readonly node: HTMLElement) {
    node.addEventListener('focusin', this.onFocus, true);
    node.addEventListener('beforeinput', this.onBeforeInput, true);
    node.addEventListener('input', this.onInput, true);
    new MutationObserver(records => this.onChanges(records)).observe(node, {
      subtree: true,
      childList: true,
      characterData: true
    });
  }

  /**
   * Whether to believe the save statuses: not while the page knows its kernel is stopped, dead
   * or out of reach, whose last "Saved" may come late and be for a batch without the last words.
   */
  listen(statuses: boolean): void {
    this.listening = statuses;
  }

  /** After the cells ran in a fresh kernel: put back what the one before took and never saved. */
  async reapply(): Promise<void> {
    for (const [key, words] of [...this.words]) {
      const box = await this.drawn(words);
      if (!box || box.value === words.value) {
        this.words.delete(key);
      } else if (box.value === words.before) {
        words.saving = false;
        type(box, words.value);
      } else {
        this.words.delete(key);
        this.offer(words);
      }
    }
  }

  /** Another window's answer stays; this window's words are one click away, not lost. */
  private offer(words: IWords): void {
    // A toast shows about 140 characters.
    const short = words.value.length > 40 ? `${words.value.slice(0, 40)}…` : words.value;
    Notification.warning(
      `Kept the answer saved in your other window. What you typed here was not saved: “${short}”`,
      {
        autoClose: false,
        actions: [
          {
            label: 'Use what I typed here',
            callback: () => {
              const box = this.find(words);
              if (box) {
                type(box, words.value);
              }
            }
          }
        ]
      }
    );
  }

  private find(words: IWords): TextBox | undefined {
    const exercise = this.node.querySelector(`.wb-exercise.${words.exercise}`);
    return exercise ? textBoxes(exercise)[words.index] : undefined;
  }

  private async drawn(words: IWords): Promise<TextBox | undefined> {
    for (let waited = 0; waited < DRAWN_MS; waited += 100) {
      const box = this.find(words);
      if (box) {
        return box;
      }
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    return undefined;
  }

  private locate(target: EventTarget | null): IBox | null {
    if (!(target instanceof HTMLTextAreaElement || target instanceof HTMLInputElement)) {
      return null;
    }
    const exercise = target.matches(TEXT_BOXES) ? exerciseOf(target) : null;
    if (!exercise) {
      return null;
    }
    const index = textBoxes(exercise.node).indexOf(target);
    return { key: `${exercise.id}/${index}`, box: target, exercise: exercise.id, index };
  }

  private readonly onFocus = (event: Event): void => {
    const box = this.locate(event.target);
    if (box) {
      this.focused.set(box.box, box.box.value);
    }
  };

  private readonly onBeforeInput = (event: Event): void => {
    const box = this.locate(event.target);
    if (box && !this.words.has(box.key)) {
      this.words.set(box.key, {
        exercise: box.exercise,
        index: box.index,
        before: box.box.value,
        value: box.box.value,
        saving: false
      });
    }
  };

  private readonly onInput = (event: Event): void => {
    const box = this.locate(event.target);
    if (!box) {
      return;
    }
    const words = this.words.get(box.key) ?? {
      exercise: box.exercise,
      index: box.index,
      before: this.focused.get(box.box) ?? '',
      value: '',
      saving: false
    };
    this.words.set(box.key, { ...words, value: box.box.value, saving: false });
  };

  /** The save statuses: "Saving…" after a keystroke, then "Saved", acknowledge it. */
  private onChanges(records: MutationRecord[]): void {
    if (!this.words.size || !this.listening) {
      return;
    }
    const statuses = new Set<Element>();
    for (const record of records) {
      const { target: node } = record;
      const target = node instanceof Element ? node : node.parentElement;
      const status = target?.closest('.wb-status');
      if (status) {
        statuses.add(status);
      }
    }
    for (const status of statuses) {
      const exercise = exerciseOf(status);
      const text = status.textContent ?? '';
      for (const [key, words] of [...this.words]) {
        if (words.exercise !== exercise?.id) {
          continue;
        } else if (text.includes('Saving')) {
          words.saving = true;
        } else if (text.includes('Saved') && words.saving) {
          this.words.delete(key);
        }
      }
    }
  }

  /** By exercise class and box: `wb-ex-m04-gap/0`. */
  private readonly words = new Map<string, IWords>();
  private readonly focused = new WeakMap<TextBox, string>();
  private listening = false;
}
