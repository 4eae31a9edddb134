"""eventsapp: hospital events where interns meet the senior colleagues who can mentor them."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from eventsapp.config import load_config
from eventsapp.extensions import configure_sqlite, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides every other source; its optional
    INSTANCE_PATH moves the instance folder (tests use a temporary one)."""
    app = Flask(
        __name__,
        instance_path=str((config or {}).get("INSTANCE_PATH") or ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    load_config(app, config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)

    register_blueprints(app)
    from eventsapp import cli, pages
    pages.init_app(app)
    cli.init_app(app)
    return app


def register_blueprints(app: Flask) -> None:
    from eventsapp.accounts.views import bp as accounts
    from eventsapp.admin.views import bp as admin
    from eventsapp.main.views import bp as main
    from eventsapp.profiles.views import bp as profiles

    for blueprint in (main, accounts, profiles, admin):
        app.register_blueprint(blueprint)


@login_manager.user_loader
def load_user(user_id: str):
    from eventsapp.accounts.models import User

    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))
