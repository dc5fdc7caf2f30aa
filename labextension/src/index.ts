/**
 * Workbook notebooks in JupyterLab read like a course page, not like code.
 *
 * Only notebooks whose metadata carries the generator's `workbook` marker are touched; every
 * other notebook behaves as JupyterLab's own. For a workbook notebook:
 *
 * - its code cells run when it opens and again after every kernel (re)start, without moving
 *   the view, so its answer widgets are never dead and "Run all" is never needed;
 * - while the kernel is restarting, gone or unreachable the widgets are inert and say why, so
 *   nothing a learner types is silently dropped; a kernel shut down elsewhere (the notebook
 *   opened in a second window, a restarted server) is replaced by a fresh one, and the cells run;
 * - outputs are not learner work: the model is never left dirty, so there is no "Save changes?"
 *   on close, no "Leave site?" on reload and no autosave rewriting the committed file;
 * - prompts, cell toolbars, "Click to add a cell" and Markdown editing are gone, the tab is
 *   titled from content, and closing the tab shuts its kernel down;
 * - a restart asks nothing: answers are saved as they are given, so no variable can be lost;
 * - only the few workbook notebooks looked at last keep a kernel (about 115 MB each); the
 *   others sleep and wake, run again, when the learner comes back to them.
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { CodeCell, MarkdownCell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Kernel, Session } from '@jupyterlab/services';

import { addCourseCommands, foldForLearners } from './course';

/** The notebook metadata key the generator writes (`workbook.course.generate`). */
const MARKER = 'workbook';
/** Set on the panel of every workbook notebook: the stylesheet keys off it. */
const NOTEBOOK_CLASS = 'wb-lab-notebook';
/** Cells tagged so are for a Jupyter without this extension (the "Run all" hint). */
const WITHOUT_EXTENSION_TAG = 'workbook-without-extension';
const HIDDEN_CELL_CLASS = 'wb-lab-hidden';
/** Set on an output area whose widgets are paused; its value is the reason shown. */
const PAUSED_ATTRIBUTE = 'data-wb-paused';
/** Set on the panel: how many times its cells have run to the end. */
const RUNS_ATTRIBUTE = 'data-wb-runs';
/** How many workbook notebooks keep a kernel: the one in view and the two before it. */
const KEPT_KERNELS = 3;

interface IMarker {
  title?: string;
}

/** Session ids one window of this browser stopped that another may be showing. */
const STOPPED = new BroadcastChannel('workbook-lab:stopped-sessions');

/** Sessions of closed tabs still being shut down, by notebook path. */
type Closing = Map<string, { id: string; done: Promise<void> }>;

const PAUSED: Partial<Record<Kernel.Status | 'disconnected', string>> = {
  restarting:
    'Restarting… your answers come back in a moment. Typing is paused so nothing is lost.',
  autorestarting:
    'The kernel stopped and is restarting… your answers come back in a moment. Typing is paused so nothing is lost.',
  terminating: 'The kernel is shutting down. Typing is paused so nothing is lost.',
  dead: 'The kernel has stopped. Reload the page to continue; your saved answers are safe.',
  disconnected:
    'Connection to Jupyter lost: reconnecting… Typing is paused so nothing is lost.'
};
const ASLEEP =
  'Resting while you work on other pages. It wakes up, with your answers, when you come back.';
const WAKING = 'Waking up… your answers come back in a moment.';

/**
 * What a tab shows: "Module 4 · The Account…" would shrink to "Mo…" with a dozen tabs open, so
 * the number goes first and short ("M4 · The Account Management Team"); the full title is the
 * tooltip and the panel's heading.
 */
function shortTitle(title: string): string {
  const unit = /^(Module|Homework) (\d+) · ([^·]+)/.exec(title);
  return unit ? `${unit[1][0]}${unit[2]} · ${unit[3].trim()}` : title;
}

/**
 * Hold back a notebook's session until the returned function is called. Its context starts
 * the session (finding the path's running one, else a new kernel) as soon as the file is
 * loaded: before anything knows whether it is a workbook notebook, or whether a restored tab
 * will be looked at. ipywidgets builds a notebook's widget manager once the session is ready,
 * and expects a kernel then, so "no kernel yet" is a session not yet started, not one started
 * without a kernel.
 */
function deferSession(panel: NotebookPanel): () => void {
  const { sessionContext } = panel;
  let start!: () => void;
  const started = new Promise<void>(resolve => (start = resolve));
  const initialize = sessionContext.initialize.bind(sessionContext);
  sessionContext.initialize = () => started.then(initialize);
  return start;
}

/** Keeps one workbook notebook panel alive and quiet. */
class WorkbookNotebook {
  constructor(
    private readonly panel: NotebookPanel,
    marker: IMarker,
    sessions: Session.IManager,
    closing: Closing,
    private readonly start: () => void
  ) {
    const { sessionContext, context, content } = panel;
    panel.addClass(NOTEBOOK_CLASS);
    sessionContext.kernelPreference = {
      ...sessionContext.kernelPreference,
      // What the context sets only after its checkpoint round trips (see `wake`).
      name:
        context.model.defaultKernelName || sessionContext.kernelPreference.name,
      language: context.model.defaultKernelLanguage,
      // Shut down below instead, where a tab reopened at once can wait for it.
      shutdownOnDispose: false,
      // Every answer is already in the store: "All variables will be lost" is not true here.
      skipKernelRestartDialog: true
    };
    this.closeWithTab(sessions, closing);
    if (marker.title) {
      // Not title.label: a document widget renames its file to match its label. The tab shows
      // its dataset as data-* attributes, and the stylesheet shows this one as the label.
      panel.title.dataset = {
        ...panel.title.dataset,
        'wb-title': marker.title,
        'wb-tab': shortTitle(marker.title)
      };
      panel.title.caption = marker.title;
    }
    this.lockCells();
    content.model?.cells.changed.connect(() => this.lockCells());

    // Outputs are regenerated on every open: they are never something to save.
    context.model.stateChanged.connect((model, change) => {
      if (change.name === 'dirty' && change.newValue) {
        model.dirty = false;
      }
    });
    context.model.dirty = false;

    sessionContext.kernelChanged.connect((_, change) => {
      if (change.newValue && !this.asleep) {
        this.scheduleRun();
      }
    });
    sessionContext.sessionChanged.connect((_, change) => {
      // Not one this page stopped (going to sleep, maybe woken meanwhile) or closed.
      const ours = this.stopping || this.asleep || panel.isDisposed;
      if (change.oldValue && !change.newValue && !ours) {
        this.recover();
      }
    });
    sessionContext.statusChanged.connect((_, status) => this.onStatus(status));
    sessionContext.connectionStatusChanged.connect((_, status) => {
      if (this.asleep) {
        return;
      } else if (status === 'disconnected') {
        this.pause(PAUSED.disconnected!);
      } else if (status === 'connected' && !this.needsRun) {
        this.resume();
      }
    });
    // Resting until looked at: no session yet (see `deferSession`). A session an earlier page
    // left on this path (a reload, a reopened browser) goes: its kernel holds widget models
    // this page never received, and a tab not looked at should hold no kernel.
    this.pause(ASLEEP);
    // The sessions as the manager fetched them when the page loaded, before any tab of this page
    // started one: not `findByPath`, whose refresh for a path without one (every fresh open)
    // held back the kernel's start by a round trip.
    this.kernelChange = this.kernelChange
      .then(() => sessions.ready)
      .then(async () => {
        const stale = [...sessions.running()].find(m => m.path === context.path);
        if (stale && stale.id !== sessionContext.session?.id) {
          await sessions.shutdown(stale.id);
          // A window of this browser may still show it: let it know now, not at its next poll.
          STOPPED.postMessage(stale.id);
        }
      })
      .catch(reason => console.warn('workbook: could not stop a kernel', reason));
  }

  /**
   * Closing the tab is the end of the visit: don't leave a kernel behind. A tab reopened before
   * that shutdown is done waits for it before it starts its own.
   */
  private closeWithTab(sessions: Session.IManager, closing: Closing): void {
    const { sessionContext, context } = this.panel;
    const path = context.path;
    this.kernelChange = closing.get(path)?.done ?? Promise.resolve();
    this.sessionId = sessionContext.session?.id;
    sessionContext.sessionChanged.connect((_, change) => {
      // Not cleared when the session goes: disposing the tab drops it before `disposed`.
      this.sessionId = change.newValue?.id ?? this.sessionId;
    });
    this.panel.disposed.connect(() => {
      const id = this.sessionId;
      if (!id) {
        return;
      }
      const entry = {
        id,
        done: sessions
          .shutdown(id)
          .catch(reason => console.warn('workbook: could not stop a kernel', reason))
          .finally(() => {
            if (closing.get(path) === entry) {
              closing.delete(path);
            }
          })
      };
      closing.set(path, entry);
    });
  }

  private kernelName(): Partial<Kernel.IModel> {
    const { sessionContext, context } = this.panel;
    const spec = context.model.getMetadata('kernelspec') as { name?: string } | undefined;
    const name = sessionContext.prevKernelName || spec?.name;
    return name ? { name } : {};
  }

  get isDisposed(): boolean {
    return this.panel.isDisposed;
  }

  /** Let the kernel go while the learner is elsewhere; the widgets say so meanwhile. */
  sleep(): void {
    if (this.asleep || this.panel.isDisposed) {
      return;
    }
    this.asleep = true;
    this.pause(ASLEEP);
    // Serialised with waking: a shutdown finishing after a new start would drop the new kernel.
    this.kernelChange = this.kernelChange
      .then(() => this.panel.sessionContext.ready)
      .then(() => this.stopKernel())
      .catch(reason => console.warn('workbook: could not stop a kernel', reason));
  }

  private async stopKernel(): Promise<void> {
    this.stopping = true;
    try {
      await this.panel.sessionContext.shutdown();
    } finally {
      this.stopping = false;
    }
    // Gone already: closing the tab later has nothing to shut down.
    this.sessionId = undefined;
  }

  /** Give a resting notebook a kernel of its own; its cells run when it is there. */
  wake(): void {
    if (!this.asleep || this.panel.isDisposed) {
      return;
    }
    this.asleep = false;
    this.needsRun = true;
    this.pause(WAKING);
    const { sessionContext } = this.panel;
    const first = !this.started;
    this.started = true;
    this.kernelChange = this.kernelChange
      .then(async () => {
        if (first) {
          this.start();
          // Now, not when the context gets to it: it starts the session only after listing
          // the file's checkpoints (and making one on a first visit), 0.1-0.2 s of round trips
          // for a checkpoint a workbook notebook, never saved, has no use for.
          void sessionContext.initialize();
          await sessionContext.ready;
        } else if (!this.asleep) {
          await sessionContext.ready;
          await sessionContext.changeKernel(this.kernelName());
        }
      })
      .catch(reason => console.warn('workbook: could not start a kernel', reason));
  }

  /**
   * The session went without this page stopping it: the notebook opened in another window or
   * tab stops the session an earlier page left on its path, and a restarted server has none.
   * JupyterLab notices on its next poll of the server's sessions (at once for a window of this
   * browser, see STOPPED); start a fresh kernel and run the cells again, instead of
   * "reconnecting" for ever.
   */
  private recover(): void {
    this.needsRun = true;
    this.pause(WAKING);
    this.kernelChange = this.kernelChange
      .then(() => this.panel.sessionContext.changeKernel(this.kernelName()))
      .catch(reason => console.warn('workbook: could not start a kernel', reason));
  }

  /** Run every code cell once the kernel is ready; calls in the meantime coalesce. */
  scheduleRun(): void {
    if (this.runScheduled) {
      return;
    }
    this.runScheduled = true;
    const { sessionContext } = this.panel;
    void this.kernelChange
      .then(() => sessionContext.ready)
      .then(() => {
        this.runScheduled = false;
        return this.runAll();
      })
      .catch(reason => {
        this.runScheduled = false;
        console.warn('workbook: could not run the notebook', reason);
      });
  }

  private async runAll(): Promise<void> {
    const { content, sessionContext, context } = this.panel;
    if (this.panel.isDisposed || this.asleep || !sessionContext.session?.kernel) {
      return;
    }
    this.needsRun = false;
    // Executing clears each cell's dead widgets, so the pause ends with them.
    this.resume();
    const runs = content.widgets
      .filter((cell): cell is CodeCell => cell instanceof CodeCell)
      // Not NotebookActions.runAll: that selects and scrolls to the last cell.
      .map(cell => CodeCell.execute(cell, sessionContext));
    await Promise.allSettled(runs);
    if (!context.isDisposed) {
      context.model.dirty = false;
    }
    // How many times the cells have run here: lets tests (and curious users) see a re-run end.
    this.runs += 1;
    this.panel.node.setAttribute(RUNS_ATTRIBUTE, String(this.runs));
  }

  private onStatus(status: Kernel.Status): void {
    if (this.asleep) {
      return;
    }
    const reason = PAUSED[status];
    if (reason) {
      this.needsRun = status !== 'terminating';
      this.pause(reason);
    } else if ((status === 'idle' || status === 'busy') && this.needsRun) {
      // An automatic restart after a crash comes back without a kernel change.
      this.scheduleRun();
    }
  }

  /** Make every widget output inert and say why. */
  private pause(reason: string): void {
    const active = document.activeElement;
    if (active instanceof HTMLElement && this.panel.node.contains(active)) {
      active.blur();
    }
    for (const cell of this.panel.content.widgets) {
      if (cell instanceof CodeCell) {
        cell.outputArea.node.setAttribute(PAUSED_ATTRIBUTE, reason);
        cell.outputArea.node.inert = true;
      }
    }
  }

  private resume(): void {
    for (const cell of this.panel.content.widgets) {
      if (cell instanceof CodeCell) {
        cell.outputArea.node.removeAttribute(PAUSED_ATTRIBUTE);
        cell.outputArea.node.inert = false;
      }
    }
  }

  /** Markdown stays rendered: the course text is not the learner's to edit. */
  private lockCells(): void {
    for (const cell of this.panel.content.widgets) {
      const tags = cell.model.getMetadata('tags');
      if (Array.isArray(tags) && tags.includes(WITHOUT_EXTENSION_TAG)) {
        cell.addClass(HIDDEN_CELL_CLASS);
      }
      if (cell instanceof MarkdownCell && !this.locked.has(cell)) {
        this.locked.add(cell);
        cell.renderedChanged.connect((_, rendered) => {
          if (!rendered) {
            cell.rendered = true;
          }
        });
      }
    }
  }

  private runs = 0;
  private asleep = true;
  /** Whether the session has been let start (the first `wake`). */
  private started = false;
  /** The session to shut down with the tab. */
  private sessionId: string | undefined;
  private kernelChange: Promise<unknown> = Promise.resolve();
  private runScheduled = false;
  private stopping = false;
  private needsRun = false;
  private readonly locked = new WeakSet<MarkdownCell>();
}

/** Workbook notebooks, the one looked at last first: only the first few keep a kernel. */
class Kernels {
  visit(notebook: WorkbookNotebook): void {
    this.order = [notebook, ...this.order.filter(other => other !== notebook)];
    notebook.wake();
    this.trim();
  }

  /** A notebook opened without being looked at (a restored tab) rests until it is. */
  add(notebook: WorkbookNotebook): void {
    this.order = [...this.order.filter(other => other !== notebook), notebook];
    this.trim();
  }

  private trim(): void {
    this.order = this.order.filter(notebook => !notebook.isDisposed);
    for (const notebook of this.order.slice(KEPT_KERNELS)) {
      notebook.sleep();
    }
  }

  private order: WorkbookNotebook[] = [];
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'workbook-lab:plugin',
  description:
    'Workbook notebooks run themselves, stay quiet about outputs and read like a course.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app: JupyterFrontEnd, tracker: INotebookTracker) => {
    const notebooks = new WeakMap<NotebookPanel, WorkbookNotebook>();
    const kernels = new Kernels();
    const closing: Closing = new Map();
    // While the workspace is restored every tab passes through "current": only the one in
    // view when it is done is looked at, so a dozen restored tabs start one kernel, not twelve.
    let restoring = true;
    const visitCurrent = (): void => {
      const panel = tracker.currentWidget;
      const notebook = panel && notebooks.get(panel);
      if (notebook && !restoring) {
        kernels.visit(notebook);
      }
    };
    void app.restored.then(() => {
      restoring = false;
      visitCurrent();
      return foldForLearners(app).catch(reason =>
        console.warn('workbook: could not read its settings', reason)
      );
    });
    addCourseCommands(app, tracker, NOTEBOOK_CLASS);
    tracker.widgetAdded.connect((_, panel) => {
      const start = deferSession(panel);
      void panel.context.ready
        .then(() => {
          const marker = panel.context.model.getMetadata(MARKER) as
            | IMarker
            | undefined;
          if (!marker) {
            start();
          } else if (!panel.isDisposed) {
            const notebook = new WorkbookNotebook(
              panel,
              marker,
              app.serviceManager.sessions,
              closing,
              start
            );
            notebooks.set(panel, notebook);
            kernels.add(notebook);
            visitCurrent();
          }
        })
        .catch(reason => {
          start();
          console.warn('workbook: could not read a notebook', reason);
        });
    });
    tracker.currentChanged.connect(visitCurrent);
    // Another window stopped a session: if it was one of ours, the refresh ends it here and
    // its notebook starts afresh (see `recover`) before the learner types into a dead kernel.
    STOPPED.onmessage = () =>
      void app.serviceManager.sessions
        .refreshRunning()
        .catch(reason => console.warn('workbook: could not list sessions', reason));
  }
};

export default plugin;
