/**
 * Workbook notebooks in JupyterLab read like a course page, not like code.
 *
 * Only notebooks whose metadata carries the generator's `workbook` marker are touched; every
 * other notebook behaves as JupyterLab's own. For a workbook notebook:
 *
 * - its code cells run when it opens and again after every kernel (re)start, without moving
 *   the view, so its answer widgets are never dead and "Run all" is never needed;
 * - while the kernel is restarting, gone or unreachable the widgets are inert and say why, so
 *   nothing a learner types is silently dropped;
 * - outputs are not learner work: the model is never left dirty, so there is no "Save changes?"
 *   on close, no "Leave site?" on reload and no autosave rewriting the committed file;
 * - prompts, cell toolbars, "Click to add a cell" and Markdown editing are gone, the tab is
 *   titled from content, and closing the tab shuts its kernel down.
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { CodeCell, MarkdownCell } from '@jupyterlab/cells';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Kernel } from '@jupyterlab/services';

/** The notebook metadata key the generator writes (`workbook.generate`). */
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

interface IMarker {
  title?: string;
}

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

/** Keeps one workbook notebook panel alive and quiet. */
class WorkbookNotebook {
  constructor(
    private readonly panel: NotebookPanel,
    marker: IMarker
  ) {
    const { sessionContext, context, content } = panel;
    panel.addClass(NOTEBOOK_CLASS);
    // Closing the tab is the end of the visit: don't leave a kernel behind.
    sessionContext.kernelPreference = {
      ...sessionContext.kernelPreference,
      shutdownOnDispose: true
    };
    if (marker.title) {
      // Not title.label: a document widget renames its file to match its label. The tab shows
      // its dataset as data-* attributes, and the stylesheet shows this one as the label.
      panel.title.dataset = { ...panel.title.dataset, 'wb-title': marker.title };
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
      if (change.newValue) {
        this.scheduleRun();
      }
    });
    sessionContext.statusChanged.connect((_, status) => this.onStatus(status));
    sessionContext.connectionStatusChanged.connect((_, status) => {
      if (status === 'disconnected') {
        this.pause(PAUSED.disconnected!);
      } else if (status === 'connected' && !this.needsRun) {
        this.resume();
      }
    });
    this.scheduleRun();
  }

  /** Run every code cell once the kernel is ready; calls in the meantime coalesce. */
  scheduleRun(): void {
    if (this.runScheduled) {
      return;
    }
    this.runScheduled = true;
    void this.panel.sessionContext.ready
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
    if (this.panel.isDisposed || !sessionContext.session?.kernel) {
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
  private runScheduled = false;
  private needsRun = false;
  private readonly locked = new WeakSet<MarkdownCell>();
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'workbook-lab:plugin',
  description:
    'Workbook notebooks run themselves, stay quiet about outputs and read like a course.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker) => {
    tracker.widgetAdded.connect((_, panel) => {
      void panel.context.ready.then(() => {
        const marker = panel.context.model.getMetadata(MARKER) as
          | IMarker
          | undefined;
        if (marker && !panel.isDisposed) {
          new WorkbookNotebook(panel, marker);
        }
      });
    });
  }
};

export default plugin;
