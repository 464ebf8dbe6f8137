"""Reports: one self-contained HTML file (figures inlined), a markdown summary and a JSON file of every figure."""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path
from typing import Any

import numpy as np

from grooming_detect_evaluation import plots
from grooming_detect_evaluation.runner import EvaluationResult, write_json

__all__ = ["write_report"]


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:.3f}"
    return html.escape(str(value))


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return f'<img alt="figure" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_fmt(r.get(c, ''))}</td>" for c in columns) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _heatmap(heatmap: dict[str, dict[str, dict[str, float]]]) -> Any:
    import matplotlib.pyplot as plt

    groups = sorted({g for per_cat in heatmap.values() for g in per_cat})
    columns = [(c, k) for c in heatmap for k in ("subgroup_auc", "bpsn_auc", "bnsp_auc")]
    data = np.array([[heatmap[c].get(g, {}).get(k, np.nan) for c, k in columns] for g in groups], dtype=float)
    fig, ax = plt.subplots(figsize=(1.3 * len(columns) + 2, 0.35 * len(groups) + 1.5), dpi=110)
    image = ax.imshow(np.nan_to_num(data, nan=0.5), vmin=0.5, vmax=1.0, cmap="RdYlGn", aspect="auto")
    ax.set_xticks(
        range(len(columns)), [f"{c[:4]} {k.replace('_auc', '')}" for c, k in columns], rotation=30, ha="right"
    )
    ax.set_yticks(range(len(groups)), groups)
    for i in range(len(groups)):
        for j in range(len(columns)):
            ax.text(j, i, "n/a" if np.isnan(data[i, j]) else f"{data[i, j]:.2f}", ha="center", va="center", fontsize=7)
    fig.colorbar(image, ax=ax, fraction=0.03)
    ax.set_title("Bias AUCs by subgroup (Jigsaw)")
    fig.tight_layout()
    return fig


def _case_rows(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "id": c["id"],
            "category": c["category"],
            "scenario": c.get("scenario", ""),
            "score": c["score"],
            "messages": " / ".join(c.get("messages", [])[:6]) or "(text not shown: not synthetic)",
        }
        for c in cases
    ]


def _sections(result: EvaluationResult) -> list[str]:
    suites, figures = result["suites"], result["figures"]
    parts = []
    if {"held_out", "file", "ood_test"} & set(suites):
        for name in ("ood_test", "held_out", "file"):
            if name not in suites:
                continue
            art = suites[name]["artifacts"]
            rows = [
                {
                    "category": c,
                    **{
                        k: figures.get(f"{name}/{c}/{k}", float("nan"))
                        for k in (
                            "pr_auc",
                            "roc_auc",
                            "precision",
                            "recall",
                            "f1",
                            "f0.5",
                            "recall_at_1pct_fpr",
                            "ece",
                            "f_latency",
                            "median_alert_delay",
                        )
                    },
                }
                for c in art["curves"]
            ]
            curves = {c: (v["y"], v["p"]) for c, v in art["curves"].items()}
            parts += [
                f"<h2>Quality: {html.escape(name)}</h2>",
                _table(rows, list(rows[0]) if rows else []),
                _png(plots.pr_curves(curves, "Precision-recall")),
                _png(plots.reliability_diagram(curves, title="Reliability")),
                _png(plots.delay_histogram(art["delays"], "Alert delay (messages after alert_at)")),
                "<h3>Worst false positives</h3>",
                _table(_case_rows(art["worst_false_positives"]), ["id", "category", "scenario", "score", "messages"]),
                "<h3>Worst misses</h3>",
                _table(_case_rows(art["misses"]), ["id", "category", "scenario", "score", "messages"]),
            ]
    for name in [n for n in suites if n.endswith("tactics")]:
        art = suites[name]["artifacts"]
        parts += [
            f"<h2>Tactic tagging: {html.escape(name)}</h2>",
            f"<p>Macro-F1 {_fmt(figures.get(f'{name}/macro_f1', float('nan')))} over the tactics that occur.</p>",
            _table(art["rows"], ["tactic", "precision", "recall", "f1", "support"]),
            _png(plots.rate_bars({r["tactic"]: r["f1"] for r in art["rows"]}, "F1 by tactic", "F1")),
        ]
    if "false_positives" in suites:
        art = suites["false_positives"]["artifacts"]
        rows = [
            {
                "scenario": n,
                "hard negative": n in art["hard_negative_scenarios"],
                "fpr": r,
                "conversations": art["counts"][n],
            }
            for n, r in art["rates"].items()
        ]
        parts += [
            "<h2>False positives by benign scenario</h2>",
            _table(rows, ["scenario", "hard negative", "fpr", "conversations"]),
            _png(plots.rate_bars(art["rates"], "False-positive rate by scenario", "false-positive rate")),
        ]
    if "functional" in suites:
        art = suites["functional"]["artifacts"]
        rates = {row["name"]: row["pass_rate"] for row in art["functionalities"]}
        parts += [
            "<h2>Functional tests</h2>",
            _table(art["functionalities"], ["name", "kind", "category", "cases", "pass_rate", "description"]),
            _png(plots.rate_bars(rates, "Pass rate by functionality", "pass rate")),
            "<h3>Failed cases (first 60)</h3>",
            _table(
                [
                    {
                        "functionality": f["functionality"],
                        "messages": " / ".join(f["messages"]),
                        "variant": " / ".join(f["variant"] or []),
                    }
                    for f in art["failures"]
                ],
                ["functionality", "messages", "variant"],
            ),
        ]
    if "bias" in suites:
        art = suites["bias"]["artifacts"]
        rows = [
            {"metric": k.removeprefix("bias/"), "value": v}
            for k, v in figures.items()
            if k.startswith("bias/") and ("final_score" in k or "power_mean" in k or "/swap/" in k)
        ]
        rate_rows = [{"group": f"{dim}:{g}", **r} for dim, groups in art["rates"].items() for g, r in groups.items()]
        parts += [
            "<h2>Bias</h2>",
            _table(rows, ["metric", "value"]),
            _png(_heatmap(art["heatmap"])),
            "<h3>Error rates by group (fairlearn, 95% bootstrap intervals)</h3>",
            _table(rate_rows, ["group", "n", "fpr", "fpr_low", "fpr_high", "fnr", "fnr_low", "fnr_high"]),
            "<h3>Largest identity / dialect swap differences</h3>",
            _table(art["swap_worst"], ["group", "set", "max_score_difference"]),
        ]
    if "feedback" in suites:
        rows = [{"metric": k, "value": v} for k, v in figures.items() if k.startswith("feedback/")]
        parts += ["<h2>Moderator feedback</h2>", _table(rows, ["metric", "value"])]
    return parts


_STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.8rem 0;font-size:.85rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}img{max-width:100%;margin:.5rem 0;display:block}
.note{color:#666;font-size:.85rem}"""


def summary_markdown(result: EvaluationResult) -> str:
    model = result["model"]
    lines = [
        f"# Evaluation of {model['name']} {model['version']}",
        "",
        f"Model: `{model['uri'] or model['name']}`; thresholds: "
        + ", ".join(f"{c} {t:.3f}" for c, t in model["thresholds"].items()),
        "",
        "| suite | primary metric | value | better |",
        "|---|---|---:|---|",
    ]
    for name, suite in result["suites"].items():
        better = "higher" if suite["greater_is_better"] else "lower"
        lines.append(f"| {name} | `{suite['primary_metric']}` | {_fmt(suite['value'])} | {better} |")
    lines += ["", "## Key figures", "", "| figure | value |", "|---|---:|"]
    keys = [k for k in result["figures"] if k.count("/") <= 2 and not k.startswith("bias/rates")]
    lines += [f"| `{k}` | {_fmt(result['figures'][k])} |" for k in keys]
    return "\n".join(lines) + "\n"


def write_report(result: EvaluationResult, out_dir: str | Path) -> dict[str, Path]:
    """Write ``report.html``, ``summary.md`` and ``figures.json`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = result["model"]
    summary_rows = [
        {
            "suite": n,
            "primary metric": s["primary_metric"],
            "value": s["value"],
            "better": "higher" if s["greater_is_better"] else "lower",
        }
        for n, s in result["suites"].items()
    ]
    body = [
        f"<h1>Evaluation of {html.escape(model['name'])} {html.escape(model['version'])}</h1>",
        f"<p class='note'>Model {html.escape(model['uri'] or model['name'])}. Scores help human moderators "
        "prioritise; they are not grounds for automatic punishment. Only synthetic conversations are quoted.</p>",
        _table(summary_rows, ["suite", "primary metric", "value", "better"]),
        *_sections(result),
    ]
    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>grooming-detect evaluation</title>"
        f"<style>{_STYLE}</style></head><body>{''.join(body)}</body></html>"
    )
    paths = {"html": out / "report.html", "markdown": out / "summary.md", "json": out / "figures.json"}
    paths["html"].write_text(page, encoding="utf-8")
    paths["markdown"].write_text(summary_markdown(result), encoding="utf-8")
    write_json(result, paths["json"])
    return paths
