"""Every fixture of the unit and service tests lives in ``tests/fixtures.py``, loaded here as a plugin;
the end-to-end fixtures are in ``tests/e2e/conftest.py``."""

from hypothesis import settings

# Property tests judge results, never speed: on a shared 2-core machine a slow example is not a failure.
settings.register_profile("billing-center", deadline=None)
settings.load_profile("billing-center")

pytest_plugins = ["tests.fixtures"]


# Which tests share an xdist worker. xdist's own ``xdist_group`` marks do nothing under pytest 9 (the
# suffix xdist writes into a collected node id is not kept), so ``--dist loadgroup`` had spread the
# browser tests over both workers: two production builds at once in one checkout, and tests that
# share a server running apart. The groups by folder, for the scheduler itself:
# - "e2e": the browser tests, on one server (tests/e2e/conftest.py), in their file order;
# - "forms": issue 14's type-at-once loop (tests/e2e/test_forms_keep_input.py), the longest file, on a
#   server of its own, so it runs beside the other browser tests;
# - "faults": the fault scenarios on their own cluster (tests/faults);
# every other test is its own unit, spread over whichever worker is free.
GROUPS = (("tests/e2e/test_forms_keep_input.py", "forms"), ("tests/e2e/", "e2e"), ("tests/faults/", "faults"))


def group_of(nodeid: str) -> str:
    return next((name for prefix, name in GROUPS if nodeid.startswith(prefix)), nodeid)


def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class FolderGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid)

    return FolderGroups(config, log)
