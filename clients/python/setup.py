"""Generates the rasad.v1 stubs from proto/ with grpcio-tools while the package is built.

The generated modules (event_pb2, service_pb2, service_pb2_grpc and their .pyi) are written
into the build directory only, next to the hand-written package files in src/. The proto
directory is ../../proto (this package lives in clients/python of the Rasad repository), or
the one RASAD_PROTO_DIR names.
"""

import os
from importlib import resources
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
PROTOS = ["rasad/v1/event.proto", "rasad/v1/service.proto"]


def proto_dir() -> Path:
    path = Path(os.environ.get("RASAD_PROTO_DIR", HERE.parent.parent / "proto"))
    missing = [p for p in PROTOS if not (path / p).is_file()]
    if missing:
        raise SystemExit(f"cannot generate the stubs: {', '.join(missing)} not in {path}; build from a Rasad checkout or set RASAD_PROTO_DIR")
    return path


class BuildWithStubs(build_py):
    """build_py that also compiles the protos into the built rasad/v1 package."""

    def run(self):
        super().run()
        from grpc_tools import protoc

        out = Path(self.build_lib)
        well_known = resources.files("grpc_tools") / "_proto"
        args = ["grpc_tools.protoc", f"-I{proto_dir()}", f"-I{well_known}", f"--python_out={out}", f"--pyi_out={out}", f"--grpc_python_out={out}", *PROTOS]
        if protoc.main(args) != 0:
            raise SystemExit("grpc_tools.protoc failed on " + " ".join(PROTOS))


setup(cmdclass={"build_py": BuildWithStubs})
