// Reading dashboard JSON back: every panel (rows included), every query expression with where it sits,
// and the label_values() variable queries — for the tests that check the dashboards against the metric
// catalogue, the provisioned data source and a real Prometheus.
export type Json = Record<string, unknown>;

export interface ExprSite {
  where: string;
  expr: string;
}

export function allPanels(dashboard: Json): Json[] {
  const out: Json[] = [];
  const visit = (panels: unknown) => {
    if (!Array.isArray(panels)) return;
    for (const p of panels as Json[]) {
      out.push(p);
      visit(p.panels);
    }
  };
  visit(dashboard.panels);
  return out;
}

export function dashboardExprs(dashboard: Json): ExprSite[] {
  return allPanels(dashboard).flatMap((p) =>
    ((p.targets as Json[] | undefined) ?? [])
      .filter((t) => typeof t.expr === 'string')
      .map((t) => ({ where: `${String(dashboard.uid)} panel ${String(p.id)} "${String(p.title)}" ${String(t.refId)}`, expr: t.expr as string })),
  );
}

export interface LabelValuesQuery {
  name: string;
  label: string;
  selector: string;
}

/** `label_values(selector, label)` variables; throws on a query variable of another shape. */
export function variableQueries(dashboard: Json): LabelValuesQuery[] {
  const list = ((dashboard.templating as Json | undefined)?.list as Json[] | undefined) ?? [];
  return list
    .filter((v) => v.type === 'query')
    .map((v) => {
      const m = /^label_values\((.+),\s*(\w+)\)$/.exec(String(v.query));
      if (!m) throw new Error(`variable ${String(v.name)}: expected label_values(selector, label), got ${String(v.query)}`);
      return { name: String(v.name), selector: m[1], label: m[2] };
    });
}
