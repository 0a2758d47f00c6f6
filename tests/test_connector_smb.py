"""The SMB connector against a real Samba smbd on loopback: listing, reading, incremental rescans, and exposure
taken from each file's Windows ACL (set over SMB, as from Explorer).

The ACL-to-exposure rules are also checked without a server, on DACLs given as ACE lists.
"""

import io
import json
import os

import pytest
from docx import Document as WordDocument

from connectors.smb import SmbConnector, readers_from_aces
from reports.export import finding_records
from scanner.config import Config, config_from_dict
from scanner.engine import Engine
from scanner.store import Store
from tests import samba
from tests.fakes import EmailDetector

FULL, READ = 0x001F01FF, 0x001200A9
EVERYONE, AUTHENTICATED, GUESTS = "S-1-1-0", "S-1-5-11", "S-1-5-32-546"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    reason = samba.why_no_samba()
    if reason:  # `make test` installs Samba (scripts/debian-packages-test): a missing server is a failure
        pytest.fail(f"{reason}; run `make test`, which installs it")
    smbd = samba.SambaServer(tmp_path_factory.mktemp("samba"), samba.free_port())
    smbd.start()
    yield smbd
    smbd.stop()


def write_docx(path, text):
    document = WordDocument()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())


@pytest.fixture
def share(server):
    """A fresh folder on the share with files under different ACLs."""
    for child in server.root.iterdir():
        if child.is_dir():
            import shutil

            shutil.rmtree(child)
    base = server.root / "Staff"
    (base / "HR").mkdir(parents=True)
    (base / "Office").mkdir()
    (base / "HR" / "payroll.txt").write_text("Payroll queries: ann.smith@hartfield.sch.uk\n")
    (base / "HR" / "~$payroll.txt").write_text("owner file of an open document: excluded\n")
    write_docx(base / "Office" / "census.docx", "Parent contact bob.jones@example.com for the census")
    (base / "Office" / "auth.txt").write_text("carl@hartfield.sch.uk\n")
    (base / "Office" / "domain.txt").write_text("dora@hartfield.sch.uk\n")
    (base / "Office" / "guests.txt").write_text("no addresses here\n")
    (base / "Office" / "team.txt").write_text("eve@hartfield.sch.uk\n")
    owner = server.owner_of("Staff/HR/payroll.txt")
    server.set_dacl("Staff/HR/payroll.txt", [(owner, FULL)])
    server.set_dacl("Staff/Office/census.docx", [(owner, FULL), (EVERYONE, READ)])
    server.set_dacl("Staff/Office/auth.txt", [(owner, FULL), (AUTHENTICATED, READ)])
    server.set_dacl("Staff/Office/domain.txt", [(owner, FULL), (f"{server.domain_sid}-513", READ)])
    server.set_dacl("Staff/Office/guests.txt", [(owner, FULL), (GUESTS, READ)])
    server.set_dacl("Staff/Office/team.txt", [(owner, FULL), (f"{server.domain_sid}-1105", READ)])
    return base


@pytest.fixture
def smb_config(server, monkeypatch, tmp_path):
    monkeypatch.setenv("GDPRSCAN_TEST_SMB_PASSWORD", samba.PASSWORD)
    return config_from_dict(
        {
            "store": {"path": str(tmp_path / "store.db")},
            "sources": [
                {
                    "type": "smb",
                    "name": "staff",
                    "server": server.host,
                    "port": server.port,
                    "share": server.share,
                    "path": "Staff",
                    "username": samba.USER,
                    "password_env": "GDPRSCAN_TEST_SMB_PASSWORD",
                }
            ],
        }
    )


def scan(config, store):
    # Real extraction (the .docx is read over SMB), the small email detector for speed.
    return Engine(config, store, [EmailDetector()]).run()


def test_a_share_is_scanned_end_to_end_with_exposure_from_acls(server, share, smb_config, tmp_path):
    store = Store(tmp_path / "store.db")
    summary = scan(smb_config, store)
    assert summary.status == "completed" and summary.errors == 0, store.errors(summary.scan_id)
    rows = {r["location"]: r for r in store.items()}
    unc = server.unc
    assert set(rows) == {
        unc("Staff/HR/payroll.txt"),
        unc("Staff/Office/census.docx"),
        unc("Staff/Office/auth.txt"),
        unc("Staff/Office/domain.txt"),
        unc("Staff/Office/guests.txt"),
        unc("Staff/Office/team.txt"),
    }, "UNC locations, and the ~$ owner file excluded"
    assert rows[unc("Staff/Office/census.docx")]["file_type"] == "docx"
    exposure = {loc.rsplit("\\", 1)[-1]: json.loads(r["exposure"]) for loc, r in rows.items()}
    assert exposure["census.docx"]["exposed_to"] == ["Everyone"]
    assert exposure["auth.txt"]["exposed_to"] == ["Authenticated Users"]
    assert exposure["domain.txt"]["exposed_to"] == ["Domain Users"]
    assert exposure["guests.txt"]["exposed_to"] == ["Guests"]
    assert not exposure["payroll.txt"]["world_readable"] and exposure["payroll.txt"]["exposed_to"] == []
    assert exposure["team.txt"]["group_readable"] and not exposure["team.txt"]["world_readable"]
    assert f"{server.domain_sid}-1105" in exposure["team.txt"]["readers"]

    records = {r["location"].rsplit("\\", 1)[-1]: r for r in finding_records(store)}
    assert records["census.docx"]["exposed"] and records["census.docx"]["exposed_to"] == ["Everyone"]
    assert records["census.docx"]["entities"] == {"EMAIL_ADDRESS": 1}  # read over SMB, through python-docx
    assert records["payroll.txt"]["entities"] == {"EMAIL_ADDRESS": 1}
    assert not records["payroll.txt"]["exposed"] and not records["team.txt"]["exposed"]
    assert records["payroll.txt"]["source"] == "staff"


def test_rescans_are_incremental_and_see_changes_deletions_and_acl_edits(server, share, smb_config, tmp_path):
    store = Store(tmp_path / "store.db")
    first = scan(smb_config, store)
    second = scan(smb_config, store)
    assert second.items_scanned == 0 and second.items_unchanged == first.items_seen == 6

    changed = share / "HR" / "payroll.txt"
    changed.write_text("Payroll: ann.smith@hartfield.sch.uk and frank@hartfield.sch.uk\n")
    st = changed.stat()
    os.utime(changed, ns=(st.st_atime_ns, st.st_mtime_ns + 3_000_000_000))
    (share / "Office" / "guests.txt").unlink()
    owner = server.owner_of("Staff/Office/team.txt")
    server.set_dacl("Staff/Office/team.txt", [(owner, FULL), (EVERYONE, READ)])  # permissions only

    third = scan(smb_config, store)
    assert third.items_scanned == 1 and third.gone == 1
    records = {r["location"].rsplit("\\", 1)[-1]: r for r in finding_records(store)}
    assert records["payroll.txt"]["entities"] == {"EMAIL_ADDRESS": 2}
    assert "guests.txt" not in records
    assert records["team.txt"]["exposed"], "an ACL change is seen without reading the file again"


def test_wrong_password_marks_nothing_gone_and_never_shows_the_password(server, share, smb_config, tmp_path, monkeypatch):
    store = Store(tmp_path / "store.db")
    scan(smb_config, store)
    monkeypatch.setenv("GDPRSCAN_TEST_SMB_PASSWORD", "not-the-Password-42")
    summary = scan(smb_config, store)
    errors = store.errors(summary.scan_id)
    assert summary.gone == 0 and len(errors) == 1
    assert "source not scanned" in errors[0]["reason"] and "logon failed for root" in errors[0]["reason"]
    blob = b"".join(p.read_bytes() for p in tmp_path.glob("store.db*"))
    assert b"not-the-Password-42" not in blob and samba.PASSWORD.encode() not in blob


def test_password_from_a_file_and_a_missing_variable(server, share, smb_config, tmp_path, monkeypatch):
    secret = tmp_path / "smb-password"
    secret.write_text(samba.PASSWORD + "\n")
    source = smb_config.sources[0].model_copy(update={"password_env": None, "password_file": secret})
    contents = [
        item.open().read()  # while the listing runs, as the engine reads: the session closes when it ends
        for item in SmbConnector(source).items(lambda loc, reason: pytest.fail(f"{loc}: {reason}"))
    ]
    assert len(contents) == 6 and all(contents)

    monkeypatch.delenv("GDPRSCAN_TEST_SMB_PASSWORD")
    summary = scan(smb_config, Store(tmp_path / "other.db"))
    store = Store(tmp_path / "other.db")
    assert "GDPRSCAN_TEST_SMB_PASSWORD (password_env) is not set" in store.errors(summary.scan_id)[0]["reason"]


def test_a_non_standard_port_with_nothing_listening_is_source_unavailable(smb_config, tmp_path):
    source = smb_config.sources[0].model_copy(update={"port": samba.free_port(), "timeout": 3})
    config = smb_config.model_copy(update={"sources": [source]})
    store = Store(tmp_path / "store.db")
    summary = scan(config, store)
    assert summary.status == "completed" and summary.gone == 0
    assert "cannot connect" in store.errors(summary.scan_id)[0]["reason"]


# --- ACL rules, no server ------------------------------------------------------------------------------------

OWNER = "S-1-5-21-1-2-3-1001"
DOMAIN_USERS = "S-1-5-21-1-2-3-513"


@pytest.mark.parametrize(
    "aces, world, exposed_to, group",
    [
        ([(0, 0, FULL, OWNER)], False, (), False),
        ([(0, 0, FULL, OWNER), (0, 0, READ, EVERYONE)], True, ("Everyone",), False),
        ([(0, 0, FULL, OWNER), (0, 0, 0x80000000, DOMAIN_USERS)], True, ("Domain Users",), False),  # GENERIC_READ
        ([(0, 0, FULL, OWNER), (0, 0x08 | 0x01, READ, EVERYONE)], False, (), False),  # inherit-only: not this file
        ([(1, 0, READ, EVERYONE), (0, 0, READ, AUTHENTICATED)], False, (), False),  # deny Everyone first
        ([(1, 0, READ, GUESTS), (0, 0, READ, GUESTS), (0, 0, READ, AUTHENTICATED)], True, ("Authenticated Users",), False),
        ([(0, 0, 0x00000002, EVERYONE)], False, (), False),  # write-only is not read
        ([(0, 0, FULL, OWNER), (0, 0, FULL, "S-1-5-32-544"), (0, 0, READ, "S-1-5-21-1-2-3-1107")], False, (), True),
    ],
)
def test_exposure_rules(aces, world, exposed_to, group):
    exposure = readers_from_aces(aces, owner=OWNER)
    assert exposure.world_readable is world
    assert exposure.exposed_to == exposed_to
    assert exposure.group_readable is group


def test_the_example_documents_every_smb_setting():
    from pathlib import Path

    from scanner.config import SmbSource

    text = (Path(__file__).resolve().parent.parent / "config.example.yaml").read_text()
    for name in SmbSource.model_fields:
        documented = (f"#   {name}:", f"#   # {name}:", f"# - {name}:")
        assert any(d in text for d in documented), f"config.example.yaml lacks the SMB setting {name}"
    source = SmbSource(type="smb", name="admin", server="fs1", share="Admin", path="Office/Pupils",
                       username="SCHOOL\\svc", password_env="X")
    assert SmbConnector(source).root == "\\\\fs1\\Admin\\Office\\Pupils"
