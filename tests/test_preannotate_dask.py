"""Pre-annotation on a Dask distributed cluster (a real ``LocalCluster`` with two worker processes
and the real installed model): the stored result equals a local run's, a re-run adds nothing, a
worker killed mid-run loses nothing, and an unreachable scheduler is a clear error."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from annotator.nlp.cluster import ClusterError
from annotator.services.importing import import_paths
from annotator.services.preannotation import preannotate
from annotator.store import open_store

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes (each loads the model once), nannies restart a
    killed one, as ``dask worker`` does on a real cluster."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50) as local:
        yield local


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """Eight sample articles, HTML pages among them (their sections use the page structure)."""
    return sorted(SAMPLE_DATA.glob("0[1-6]*.txt")) + sorted(SAMPLE_DATA.glob("*.html"))


@pytest.fixture(scope="module")
def local_result(tmp_path_factory, corpus):
    """What a local run (the reference) stores for the corpus."""
    with _project(tmp_path_factory.mktemp("local") / "local.db", corpus) as local:
        report = preannotate(local, batch_size=2)
        return report, _stored(local)


def _project(path: Path, corpus: list[Path]):
    store = open_store(path)
    import_paths(store, corpus)
    return store


def _stored(store) -> tuple[set, set, set]:
    ids = store.documents.ids()
    spans = {(i, s.start, s.end, s.label, s.origin)
             for i, found in store.spans.of_many(ids).items() for s in found}
    sections = {(i, s.block, s.label, s.origin)
                for i, found in store.sections.of_many(ids).items() for s in found}
    done = set(store.conn.execute("SELECT doc_id, model FROM preannotated").fetchall())
    return spans, sections, done


def test_cluster_run_stores_what_a_local_run_stores(tmp_path, cluster, corpus, local_result):
    expected, stored = local_result
    with _project(tmp_path / "dask.db", corpus) as remote:
        seen = []
        report = preannotate(remote, batch_size=2, cluster=cluster.scheduler_address,
                             progress=lambda done, total, _m: seen.append((done, total)))
        assert report.documents == expected.documents == len(corpus)
        assert report.entities == expected.entities > 0
        assert _stored(remote) == stored
        assert seen[-1] == (report.documents, report.pending)
        again = preannotate(remote, batch_size=2, cluster=cluster.scheduler_address)
        assert again.documents == 0 and _stored(remote) == stored


def test_a_worker_killed_mid_run_loses_nothing(tmp_path, cluster, corpus, local_result):
    with _project(tmp_path / "dask.db", corpus) as remote:
        killed = []
        with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:

            def kill_one(done: int, _total: int, _message: str) -> None:
                if done and not killed:  # after the first stored batch, others in flight
                    pids = client.run(os.getpid)
                    victim = sorted(pids)[0]
                    os.kill(pids[victim], signal.SIGKILL)
                    killed.append(victim)

            report = preannotate(remote, batch_size=1, cluster=cluster.scheduler_address,
                                 progress=kill_one)
        assert killed
        assert report.documents == report.pending
        assert _stored(remote) == local_result[1]
        cluster.wait_for_workers(2)


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, corpus, local_result):
    with _project(tmp_path / "p.db", corpus) as store:
        with pytest.raises(ClusterError, match="tcp://127.0.0.1:9"):
            preannotate(store, cluster="tcp://127.0.0.1:9")
        assert store.suggestions.count_pending(local_result[0].model) == len(corpus)


def test_the_cli_names_an_unreachable_scheduler(tmp_path, corpus):
    from click.testing import CliRunner

    from annotator.cli import main

    with _project(tmp_path / "p.db", corpus):
        pass
    result = CliRunner().invoke(main, ["preannotate", "--db", str(tmp_path / "p.db"),
                                       "--dask", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
