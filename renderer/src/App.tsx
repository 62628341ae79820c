import { Suspense, lazy, useEffect } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { flowFile } from '../../shared/project/names';
import { FlowCanvas } from './canvas/FlowCanvas';
import { Inspector } from './inspector/Inspector';
import { Breadcrumbs } from './panels/Breadcrumbs';
import { ProjectMenu } from './panels/ProjectMenu';
import { Sidebar } from './panels/Sidebar';
import { HelpOverlay } from './panels/HelpOverlay';
import { Palette } from './panels/Palette';
import { SearchPanel } from './panels/SearchPanel';
import { Toolbar } from './panels/Toolbar';
import { closeSimulator, toggleSimulator, useSim } from './simulator/simStore';
import { closeStories, toggleStories, useStories } from './stories/storiesStore';
import { toggleKnowledge, useKnowledge } from './knowledge/knowledgeStore';
import { closeInsights, toggleInsights, useInsights } from './insights/insightsStore';
import { InsightsLegend } from './insights/Overlay';
import { handleShortcut } from './shortcuts';
import { Resizer } from './panels/Resizer';
import { gridColumns, toggleCollapsed, usePanels } from './panels/panelSizes';
import { TrustBanner, TrustChip } from './trust/TrustBanner';
import { TrustDialog } from './trust/TrustDialog';
import { watchTrust } from './trust/trustStore';
import { togglePanel, useReview, watchReviews } from './review/reviewStore';
import {
  dismissNotice,
  openSource,
  saveFlow,
  setView,
  takeDiskVersion,
  togglePresentation,
  toggleReviewMode,
  toggleTheme,
  useStudio,
} from './store/studioStore';

// Loaded when first opened: what the canvas does not need stays out of the script every open waits for.
const SourceView = lazy(() => import('./panels/SourceView'));
const SimulatorPanel = lazy(() => import('./simulator/SimulatorPanel').then((m) => ({ default: m.SimulatorPanel })));
const StoriesPanel = lazy(() => import('./stories/StoriesPanel').then((m) => ({ default: m.StoriesPanel })));
const CopyDeck = lazy(() => import('./copyDeck/CopyDeck'));
const ReviewPanel = lazy(() => import('./review/ReviewPanel'));
const FlowOverview = lazy(() => import('./review/FlowOverview').then((m) => ({ default: m.FlowOverview })));
const InsightsPanel = lazy(() => import('./insights/InsightsPanel').then((m) => ({ default: m.InsightsPanel })));
const KnowledgePanel = lazy(() => import('./knowledge/KnowledgePanel').then((m) => ({ default: m.KnowledgePanel })));

function SaveStatus() {
  const flowId = useStudio((s) => s.flowId);
  const doc = useStudio((s) => (s.flowId ? s.flows[s.flowId] : undefined));
  if (!flowId || !doc) return null;
  const text = {
    saved: 'All changes saved',
    dirty: 'Unsaved changes',
    saving: 'Saving…',
    error: `Save failed: ${doc.error ?? ''}`,
    invalid: `Not saved: ${doc.error ?? 'fix the problems'}`,
  }[doc.save];
  return (
    <span className={`save-status ${doc.save}`} role="status" data-save-state={doc.save}>
      {text}
    </span>
  );
}

function ConflictBanner({ flowId }: { flowId: string }) {
  const conflict = useStudio((s) => s.flows[flowId]?.conflict);
  if (!conflict) return null;
  return (
    <div className="banner conflict" role="alert">
      <strong>This flow changed on disk</strong> while you had unsaved edits here (another editor, window or a git checkout).
      <button onClick={() => void saveFlow(flowId, true)}>Keep my version</button>
      <button onClick={() => void takeDiskVersion(flowId)}>Use the version on disk</button>
      <button onClick={() => openSource(flowFile(flowId))}>Compare in source</button>
    </div>
  );
}

export function App() {
  const status = useStudio((s) => s.status);
  const message = useStudio((s) => s.message);
  const project = useStudio((s) => s.project);
  const flowId = useStudio((s) => s.flowId);
  const presentation = useStudio((s) => s.presentation);
  const view = useStudio((s) => s.view);
  const sourceFile = useStudio((s) => s.sourceFile);
  const theme = useStudio((s) => s.theme);
  const notice = useStudio((s) => s.notice);
  const simOpen = useSim((s) => s.open);
  const storiesOpen = useStories((s) => s.open);
  const knowledgeOpen = useKnowledge((s) => s.open);
  const insightsOpen = useInsights((s) => s.open);
  const reviewMode = useStudio((s) => s.reviewMode);
  const commentsOpen = useReview((s) => s.panelOpen);
  const overview = useReview((s) => Boolean(s.overview) && reviewMode);
  const reviewPanel = reviewMode || commentsOpen;
  const panels = usePanels();
  // the comments live in the right column beside the canvas: hidden in the source and copy views and while the
  // column is collapsed, where the button used to show pressed with nothing to see
  const commentsShown = (commentsOpen || reviewMode) && view === 'canvas' && Boolean(flowId) && !panels.collapsed.inspector;
  const showRightColumn = () => {
    if (view !== 'canvas') setView('canvas');
    if (usePanels.getState().collapsed.inspector) toggleCollapsed('inspector');
  };
  const onComments = () => {
    if (commentsShown) {
      togglePanel();
      return;
    }
    if (!commentsOpen) togglePanel();
    showRightColumn();
  };
  const onReviewMode = () => {
    if (!reviewMode) showRightColumn();
    toggleReviewMode();
  };
  const sideOpen = simOpen || storiesOpen || insightsOpen;

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.dataset.presentation = String(presentation || reviewMode);
  }, [theme, presentation, reviewMode]);
  useEffect(() => {
    if (status !== 'ready') return;
    watchTrust();
    watchReviews();
  }, [status]);
  useEffect(() => {
    window.addEventListener('keydown', handleShortcut);
    return () => window.removeEventListener('keydown', handleShortcut);
  }, []);

  if (status === 'loading') return <div className="splash">Loading Parley…</div>;
  if (status === 'error')
    return (
      <div className="splash error" role="alert">
        {message}
      </div>
    );
  if (status === 'no-project' || !project)
    return (
      <div className="splash">
        No project is open. Start Parley with a project folder: <code>npm run web -- path/to/project</code>
      </div>
    );

  return (
    <div
      className={`app${sideOpen ? ' sim-open' : ''}${view === 'canvas' ? '' : ' no-inspector'}${reviewMode ? ' review-mode' : ''}`}
      style={{ gridTemplateColumns: gridColumns(panels, sideOpen) }}
    >
      <header className="topbar">
        <span className="logo">Parley</span>
        <ProjectMenu />
        <TrustChip />
        <Breadcrumbs />
        {!reviewMode && (
          <nav className="tabs" role="tablist" aria-label="View">
            <button role="tab" aria-selected={view === 'canvas'} onClick={() => setView('canvas')}>
              Canvas
            </button>
            <button
              role="tab"
              aria-selected={view === 'source'}
              onClick={() => flowId && openSource(sourceFile && view === 'source' ? sourceFile : flowFile(flowId))}
            >
              Source
            </button>
            <button role="tab" aria-selected={view === 'copy'} onClick={() => setView('copy')} title="Every line the bot says, in every locale">
              Copy
            </button>
          </nav>
        )}
        <SaveStatus />
        <button
          className="sim-toggle"
          onClick={() => {
            closeStories();
            closeInsights();
            toggleSimulator();
          }}
          aria-pressed={simOpen}
          title="Talk to the bot you are designing (Ctrl+Shift+S)"
        >
          ▶ Simulate
        </button>
        <button
          className="sim-toggle"
          onClick={() => {
            if (simOpen) closeSimulator();
            closeInsights();
            toggleStories();
          }}
          aria-pressed={storiesOpen}
          title="Regression stories: run them, see what broke, and what no story covers"
        >
          ✓ Stories
        </button>
        <button
          className="sim-toggle"
          onClick={() => {
            if (simOpen) closeSimulator();
            closeStories();
            toggleInsights();
          }}
          aria-pressed={insightsOpen}
          title="Insights: the runtime's transcripts on the canvas; failure paths, new intents"
        >
          ◔ Insights
        </button>
        <button
          className="sim-toggle"
          onClick={toggleKnowledge}
          aria-pressed={knowledgeOpen}
          title="Knowledge: the documents knowledge nodes answer from; import, search, unanswered questions"
        >
          ▤ Knowledge
        </button>
        <button className="sim-toggle" onClick={onComments} aria-pressed={commentsShown} disabled={reviewMode} title="Comment threads and the flow's approval">
          Comments
        </button>
        <button
          className="sim-toggle"
          onClick={onReviewMode}
          aria-pressed={reviewMode}
          title="Review mode: read-only, large type, comments and approvals, for a shared screen"
        >
          {reviewMode ? 'Leave review' : 'Review'}
        </button>
        <button
          className="theme"
          onClick={togglePresentation}
          aria-pressed={presentation}
          aria-label="Presentation mode"
          title="High contrast, larger text (for reviews on a projector)"
        >
          ◐ Present
        </button>
        <button className="theme" onClick={toggleTheme} aria-label="Toggle dark mode">
          {theme === 'light' ? '☾' : '☀'}
        </button>
      </header>
      {notice && (
        <div className="banner conflict" role="alert">
          {notice} <button onClick={dismissNotice}>Dismiss</button>
        </div>
      )}
      <TrustBanner />
      {project.migratedFrom !== undefined && (
        <div className="banner info">This project was written by an older Parley (format {project.migratedFrom}); it is upgraded when you save.</div>
      )}
      {panels.collapsed.sidebar ? (
        <div className="panel-rail">
          <button onClick={() => toggleCollapsed('sidebar')} aria-label="Show the sidebar" title="Show the sidebar">
            ›
          </button>
        </div>
      ) : (
        <div className="left-col">
          <Sidebar />
          <Resizer panel="sidebar" edge="right" label="Resize the sidebar" />
        </div>
      )}
      {/* with-source: the source view takes the inspector's column too (source.css; a class, not :has(), which
          every change under the workspace would have the browser check) */}
      <main className={view === 'source' && sourceFile ? 'workspace with-source' : 'workspace'}>
        {flowId && <ConflictBanner flowId={flowId} />}
        {view === 'canvas' && flowId && overview && (
          <Suspense fallback={<div className="splash">Loading the overview…</div>}>
            <FlowOverview onOpen={() => useReview.setState({ overview: false })} />
          </Suspense>
        )}
        {view === 'canvas' && flowId && !overview && (
          <ReactFlowProvider>
            {!reviewMode && <Toolbar />}
            <div className="canvas-area">
              {!reviewMode && <Palette />}
              <FlowCanvas key={`${project.dir}:${flowId}`} flowId={flowId} />
              <InsightsLegend />
            </div>
          </ReactFlowProvider>
        )}
        {view === 'source' && sourceFile && (
          <Suspense fallback={<div className="splash">Loading editor…</div>}>
            <SourceView key={`${project.dir}:${sourceFile}`} file={sourceFile} />
          </Suspense>
        )}
        {view === 'copy' && (
          <Suspense fallback={<div className="splash">Loading copy deck…</div>}>
            <CopyDeck key={project.dir} />
          </Suspense>
        )}
        {knowledgeOpen && (
          <Suspense fallback={null}>
            <KnowledgePanel key={project.dir} />
          </Suspense>
        )}
      </main>
      {view === 'canvas' && flowId && panels.collapsed.inspector && (
        <div className="panel-rail right">
          <button onClick={() => toggleCollapsed('inspector')} aria-label="Show the inspector" title="Show the inspector">
            ‹
          </button>
        </div>
      )}
      {view === 'canvas' && flowId && !panels.collapsed.inspector && (
        <div className="right-col">
          <button className="collapse-panel" onClick={() => toggleCollapsed('inspector')} aria-label="Hide the inspector" title="Hide the inspector">
            ›
          </button>
          {reviewPanel ? (
            <Suspense fallback={<aside className="review-panel" aria-busy="true" />}>
              <ReviewPanel flowId={flowId} />
            </Suspense>
          ) : (
            <Inspector flowId={flowId} />
          )}
          <Resizer panel="inspector" edge="left" label="Resize the inspector" />
        </div>
      )}
      {sideOpen && (
        <div className="side-col">
          <Suspense fallback={<aside className="simulator" aria-busy="true" />}>
            {simOpen && <SimulatorPanel key={project.dir} />}
            {storiesOpen && !simOpen && <StoriesPanel key={project.dir} />}
            {insightsOpen && !simOpen && !storiesOpen && <InsightsPanel key={project.dir} />}
          </Suspense>
          <Resizer panel="side" edge="left" label="Resize the side panel" />
        </div>
      )}
      <HelpOverlay />
      <SearchPanel />
      <TrustDialog />
    </div>
  );
}
