import type { ProjectInfo } from '@wisp/protocol';
import { useState, type FormEvent } from 'react';
import { client } from '../api/client.js';
import { ErrorState } from '../components/error-state.js';
import { LoadingState } from '../components/loading-state.js';
import { TimeStamp } from '../components/time-stamp.js';
import { visibleText } from '../format/visible-text.js';
import { useProjects } from '../hooks/use-api.js';

/** Every project with its retention, and a form to add one. Admin only. */
export function Projects({ selected, onSelect }: { selected: string; onSelect: (projectId: string) => void }) {
  const projects = useProjects();
  const [name, setName] = useState('');
  const [failure, setFailure] = useState<Error | null>(null);

  function create(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return;
    client.createProject(name.trim()).then(
      () => {
        setName('');
        setFailure(null);
        projects.reload();
      },
      (error: unknown) => setFailure(error as Error),
    );
  }

  return (
    <section className="card" data-testid="projects">
      <h2>Projects</h2>
      {projects.error ? <ErrorState error={projects.error} retry={projects.reload} /> : null}
      {!projects.data && !projects.error ? <LoadingState /> : null}
      {projects.data ? (
        <table className="data-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Id</th>
              <th>Created</th>
              <th>Retention (days)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {projects.data.items.map((p) => (
              <ProjectRow key={p.id} project={p} selected={p.id === selected} onSelect={onSelect} onError={setFailure} onSaved={projects.reload} />
            ))}
          </tbody>
        </table>
      ) : null}
      <form className="inline-form" onSubmit={create}>
        <input placeholder="New project name" aria-label="New project name" value={name} onChange={(e) => setName(e.target.value)} />
        <button type="submit">Create project</button>
      </form>
      {failure ? <ErrorState error={failure} /> : null}
    </section>
  );
}

function ProjectRow({
  project,
  selected,
  onSelect,
  onError,
  onSaved,
}: {
  project: ProjectInfo;
  selected: boolean;
  onSelect: (id: string) => void;
  onError: (e: Error) => void;
  onSaved: () => void;
}) {
  const [days, setDays] = useState(String(project.retentionDays));
  const changed = Number(days) !== project.retentionDays;
  function save(event: FormEvent) {
    event.preventDefault();
    const retentionDays = Number(days);
    if (!Number.isInteger(retentionDays) || retentionDays < 1) return onError(new Error('Retention must be a whole number of days, at least 1.'));
    client.updateProject(project.id, { retentionDays }).then(onSaved, (e: unknown) => onError(e as Error));
  }
  return (
    <tr className={selected ? 'selected' : undefined}>
      <td>{visibleText(project.name)}</td>
      <td>
        <code>{visibleText(project.id)}</code>
      </td>
      <td>
        <TimeStamp ms={project.createdAt} />
      </td>
      <td>
        <form className="inline-form" onSubmit={save}>
          <input type="number" min={1} className="number" aria-label={`Retention of ${project.name} in days`} value={days} onChange={(e) => setDays(e.target.value)} data-testid="retention-days" />
          {changed ? <button type="submit">Save</button> : null}
        </form>
      </td>
      <td>
        {selected ? (
          <span className="muted">keys shown below</span>
        ) : (
          <button type="button" className="quiet" onClick={() => onSelect(project.id)}>
            Manage keys
          </button>
        )}
      </td>
    </tr>
  );
}
