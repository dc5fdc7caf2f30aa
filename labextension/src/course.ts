/**
 * The course's own menu (Course ▸ index, my progress, export, help: the menu itself is in
 * schema/plugin.json) and, for learners, a Lab that starts with the course in view.
 *
 * The rest of a learner's reduced Lab (status bar off, most menus off) is JupyterLab settings
 * that `workbook lab` overrides (workbook/learner_lab); `courseOnly` is the one this
 * extension acts on: the file browser starts folded away, one click on its icon from view.
 */

import { JupyterFrontEnd, LabShell } from '@jupyterlab/application';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

const PLUGIN = 'workbook-lab:plugin';
const INDEX = 'index.ipynb';
const PROGRESS = 'my-progress.ipynb';
/** The take-away buttons of My progress (workbook.learner.dashboard). */
const TAKE_AWAY = '.wb-take-away';
const HELP =
  'Your answers are saved on this computer as you type: there is nothing to save or run. ' +
  'Each page loads your answers by itself; a page you have not looked at for a while rests ' +
  'and wakes up, answers and all, when you come back. Course ▸ My progress says what is ' +
  'next, and Course ▸ Export my workbook takes it away (HTML, Markdown, PDF, calendar).';

/** A course notebook, beside the workbook notebook in view (or any open one), else at the root. */
function coursePath(tracker: INotebookTracker, workbookClass: string, name: string): string {
  const isCourse = (panel: NotebookPanel | null): panel is NotebookPanel =>
    !!panel && panel.hasClass(workbookClass);
  const current = tracker.currentWidget;
  const panel = isCourse(current) ? current : tracker.find(isCourse);
  const path = panel?.context.path ?? '';
  return path.slice(0, path.lastIndexOf('/') + 1) + name;
}

async function open(app: JupyterFrontEnd, path: string): Promise<NotebookPanel> {
  return (await app.commands.execute('docmanager:open', { path })) as NotebookPanel;
}

export function addCourseCommands(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  workbookClass: string
): void {
  const { commands } = app;
  const path = (name: string): string => coursePath(tracker, workbookClass, name);
  commands.addCommand('workbook:open-index', {
    label: 'Course index',
    caption: 'Every module and homework, with your progress',
    execute: () => open(app, path(INDEX))
  });
  commands.addCommand('workbook:open-progress', {
    label: 'My progress',
    caption: 'What is next, your charts and your take-away',
    execute: () => open(app, path(PROGRESS))
  });
  commands.addCommand('workbook:export', {
    label: 'Export my workbook…',
    caption: 'My progress: your answers as HTML, Markdown, PDF or a calendar',
    execute: async () => {
      const panel = await open(app, path(PROGRESS));
      // The buttons appear once the page has run (a first open takes a few seconds).
      for (let tries = 0; tries < 600 && !panel.isDisposed; tries++) {
        const buttons = panel.node.querySelector(TAKE_AWAY);
        if (buttons) {
          buttons.scrollIntoView({ block: 'center' });
          return;
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    }
  });
  commands.addCommand('workbook:help', {
    label: 'How this workbook works',
    execute: async () => {
      const result = await showDialog({
        title: 'How this workbook works',
        body: HELP,
        buttons: [Dialog.cancelButton({ label: 'Close' }), Dialog.okButton({ label: 'Course index' })]
      });
      if (result.button.accept) {
        await commands.execute('workbook:open-index');
      }
    }
  });
}

/** For learners (`courseOnly`): the course in view, the file browser one click away. */
export async function foldForLearners(app: JupyterFrontEnd): Promise<void> {
  const plugin = await app.serviceManager.settings.fetch(PLUGIN);
  const user = plugin.settings as { courseOnly?: boolean } | undefined;
  const schema = plugin.schema.properties?.courseOnly?.default as boolean | undefined;
  if ((user?.courseOnly ?? schema) && app.shell instanceof LabShell) {
    app.shell.collapseLeft();
  }
}
