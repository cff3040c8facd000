"""consult: consultations, meetings and input reports for a regional advisory group on migration."""


def create_app(config=None):
    """Build the app (see consult.app). `config` is a dict of settings that win over the environment."""
    # Imported here so that importing one module of consult (a worker's job, a migration) doesn't load every feature.
    from .app import create_app as build

    return build(config)
