"""Reads one run back with the real MLflow client and prints it as JSON (used by QuickstartIT)."""
import json
import sys

import mlflow
from mlflow.tracking import MlflowClient

root, experiment_name, run_id = sys.argv[1], sys.argv[2], sys.argv[3]
mlflow.set_tracking_uri("file:" + root)
client = MlflowClient()
runs = mlflow.search_runs(experiment_names=[experiment_name], output_format="list")
run = client.get_run(run_id)


def artifacts(path=None):
    out = []
    for item in client.list_artifacts(run_id, path):
        out.extend(artifacts(item.path) if item.is_dir else [item.path])
    return out


print(json.dumps({
    "found_by_search": [r.info.run_id for r in runs],
    "status": run.info.status,
    "run_name": run.info.run_name,
    "params": run.data.params,
    "tags": run.data.tags,
    "metrics": run.data.metrics,
    "loss_history": [[m.step, m.value] for m in client.get_metric_history(run_id, "train/loss")],
    "artifacts": sorted(artifacts()),
}))
