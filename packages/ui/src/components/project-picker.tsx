import { saveProject } from '../api/credentials.js';
import { visibleText } from '../format/visible-text.js';
import { useProjects } from '../hooks/use-api.js';

/** For admins: the project every page shows (sent as `x-wisp-project`). */
export function ProjectPicker({ current, onChange }: { current: string; onChange: () => void }) {
  const projects = useProjects();
  const items = projects.data?.items ?? [];
  if (items.length < 2) return null;
  return (
    <label className="compact-picker">
      <span className="sr-only">Project</span>
      <select
        value={current}
        data-testid="project-picker"
        onChange={(e) => {
          saveProject(e.target.value);
          onChange();
        }}
      >
        {items.map((p) => (
          <option key={p.id} value={p.id}>
            {visibleText(p.name)}
          </option>
        ))}
      </select>
    </label>
  );
}
