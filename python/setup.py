"""Builds libSiftC (the Swift C API) from the checkout this folder sits in, and ships it inside
the package, so `pip install ./python` works from a fresh clone with Swift installed. Spark's JVM
reader (`.build/jvm/sift-spark.jar`, from `make jvm`) ships beside it when it was built."""
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LIBRARY = "libSiftC.so" if os.uname().sysname != "Darwin" else "libSiftC.dylib"


class BuildWithSwift(build_py):
    def run(self):
        target = HERE / "sift" / "_lib" / LIBRARY
        built = REPO / ".build" / "release" / LIBRARY
        if not target.exists():
            if not built.exists() and (REPO / "Package.swift").exists():
                subprocess.run(["swift", "build", "-c", "release", "--product", "SiftC"], cwd=REPO, check=True)
            if not built.exists():
                raise RuntimeError(f"{built} is missing: run `make python` from the repository")
            target.parent.mkdir(exist_ok=True)
            shutil.copy2(built, target)
        jar = REPO / ".build" / "jvm" / "sift-spark.jar"
        if jar.exists():
            shutil.copy2(jar, target.parent / jar.name)
        super().run()


setup(cmdclass={"build_py": BuildWithSwift})
