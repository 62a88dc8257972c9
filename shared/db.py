"""One engine per service, each service in its own PostgreSQL schema or SQLite file."""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from shared.settings import Settings
from shared.unit_of_work import UnitOfWork


def normalise(url: str) -> str:
    """A database URL as SQLAlchemy should open it."""
    # psycopg 3 is the driver we ship; accept the plain scheme ops will type.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(settings: Settings, service: str, **options) -> Engine:
    """The service's engine; on PostgreSQL every connection works inside the service's schema.
    `options` go to create_engine (a reader's isolation level, a smaller pool)."""
    url = normalise(settings.database_url(service))
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            dbapi_conn.execute("PRAGMA foreign_keys=ON")

        return engine
    schema = settings.database_schema(service)
    # No pre-ping (a round trip per transaction): a connection the database dropped fails its
    # statement, SQLAlchemy then discards the whole pool, and the caller's retry gets a fresh one.
    return create_engine(url, **{"pool_size": 10, "max_overflow": 20, "pool_recycle": 600,
                                 **options},
                         connect_args={"options": f"-csearch_path={schema}",
                                       # ops (and the tests) tell each service's sessions apart
                                       "application_name": f"microwish:{schema}"[:63]})


def ensure_schema(engine: Engine, schema: str) -> None:
    """Create the service's PostgreSQL schema if it is missing."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))


class Database:
    """A service's storage: its engine, its metadata and a session factory."""

    def __init__(self, settings: Settings, service: str, metadata: MetaData):
        self.settings = settings
        self.service = service
        self.schema = settings.database_schema(service)
        self.metadata = metadata
        self.engine = make_engine(settings, service)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def outbox(self):
        return self.metadata.tables["outbox"]

    @property
    def inbox(self):
        return self.metadata.tables["inbox"]

    @cached_property
    def reader(self) -> Engine:
        """Connections that read outside any transaction (a page that is one statement): no
        BEGIN, no ROLLBACK, no isolation level switched on every checkout; a pool of their own."""
        return make_engine(self.settings, self.service, isolation_level="AUTOCOMMIT",
                           skip_autocommit_rollback=True, pool_size=5, max_overflow=10)

    def session(self) -> Session:
        return self.sessions()

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self)

    def dispose(self) -> None:
        self.engine.dispose()
        if "reader" in self.__dict__:
            self.reader.dispose()
