"""What the client adds to a partner's cold debug build, against the same dependencies
without it, in one run; and the rebuild after a one-line spec edit.

    python3 benches/cold_build.py [--tls default,ring,native-tls,none] [--runs N]

For each TLS choice it builds two crates, each cold (its own empty target dir; the
registry already downloaded):
- partner: depends on this checkout's `minted-connect` with that TLS feature, and tokio;
- baseline: every normal dependency of the client with the same features (reqwest with
  that TLS backend), less the two only the generated code needs (progenitor-client,
  regress), and tokio: the cost a partner pays anyway for an HTTP client of this API.
The premium is partner minus baseline (cargo builds every dependency, used or not).
Then, in the first choice's warm partner target dir, one line of the
spec (a description) is changed in a copy of the checkout and the build is timed again.
Not part of CI: a run takes about 4 minutes per TLS choice on 2 cores.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ONLY_FOR_GENERATED_CODE = {"progenitor-client", "regress"}
TOKIO = '{ version = "1", features = ["macros", "rt-multi-thread"] }'
# reqwest's features for each choice of ours, and the optional dependencies it brings.
TLS = {
    "default": (["rustls"], []),
    "ring": (["rustls-no-provider"], ["rustls", "rustls-platform-verifier"]),
    "native-tls": (["native-tls"], []),
    "none": ([], []),
}


def toml_value(spec):
    """A dependency's table as inline TOML."""
    if isinstance(spec, str):
        return f'"{spec}"'
    parts = []
    for key, value in spec.items():
        if key == "optional":
            continue
        if isinstance(value, bool):
            parts.append(f"{key} = {str(value).lower()}")
        elif isinstance(value, list):
            parts.append(f"{key} = [{', '.join(f'{v!r}'.replace(chr(39), chr(34)) for v in value)}]")
        else:
            parts.append(f'{key} = "{value}"')
    return "{ " + ", ".join(parts) + " }"


def write_crate(directory, name, dependencies):
    os.makedirs(os.path.join(directory, "src"), exist_ok=True)
    lines = [f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2024"\n\n[dependencies]']
    lines += [f"{dep} = {spec}" for dep, spec in dependencies.items()]
    # A workspace of its own, so that it is not taken for a member of this checkout.
    lines.append("\n[workspace]\n")
    with open(os.path.join(directory, "Cargo.toml"), "w") as f:
        f.write("\n".join(lines))
    with open(os.path.join(directory, "src", "main.rs"), "w") as f:
        f.write("fn main() {}\n")
    # The checkout's lock file: the same versions on both sides.
    shutil.copy(os.path.join(ROOT, "Cargo.lock"), directory)


def partner(directory, checkout, tls):
    features = "" if tls == "default" else f', features = ["{tls}"]' if tls != "none" else ""
    default = "" if tls == "default" else ", default-features = false"
    write_crate(
        directory,
        "partner",
        {"minted-connect": f'{{ path = "{checkout}"{default}{features} }}', "tokio": TOKIO},
    )


def baseline(directory, tls):
    with open(os.path.join(ROOT, "Cargo.toml"), "rb") as f:
        manifest = tomllib.load(f)
    reqwest_features, optional = TLS[tls]
    dependencies = {}
    for dep, spec in manifest["dependencies"].items():
        if dep in ONLY_FOR_GENERATED_CODE:
            continue
        if isinstance(spec, dict) and spec.get("optional") and dep not in optional:
            continue
        if dep == "reqwest":
            spec = dict(spec, features=spec["features"] + reqwest_features)
        dependencies[dep] = toml_value(spec)
    dependencies["tokio"] = '{ version = "1", features = ["time", "macros", "rt-multi-thread"] }'
    write_crate(directory, "baseline", dependencies)


def build(directory, target):
    """Seconds of one `cargo build`, failing loudly."""
    started = time.monotonic()
    result = subprocess.run(
        ["cargo", "build", "--offline", "--quiet"],
        cwd=directory,
        env=dict(os.environ, CARGO_TARGET_DIR=target, CARGO_INCREMENTAL="0"),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"cargo build in {directory} failed:\n{result.stderr}")
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tls", default="default,ring,native-tls")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    choices = args.tls.split(",")
    work = tempfile.mkdtemp(prefix="cold-build-")
    checkout = os.path.join(work, "checkout")
    # The committed tree, so that the spec edit below changes no one's checkout.
    subprocess.run(["git", "clone", "--quiet", ROOT, checkout], check=True)
    print(f"{os.cpu_count()} cores; {args.runs} run(s) each; median seconds of a cold debug build")
    print(f"{'TLS':<11} {'partner':>8} {'baseline':>9} {'premium':>8}")
    try:
        for tls in choices:
            times = {"partner": [], "baseline": []}
            for run in range(args.runs):
                for side in ("baseline", "partner"):
                    directory = os.path.join(work, f"{side}-{tls}-{run}")
                    if side == "partner":
                        partner(directory, checkout, tls)
                    else:
                        baseline(directory, tls)
                    target = os.path.join(work, f"target-{side}-{tls}-{run}")
                    times[side].append(build(directory, target))
                    # The disk holds one target at a time, but for the edit below.
                    if (side, tls, run) != ("partner", choices[0], args.runs - 1):
                        shutil.rmtree(target)
            p, b = statistics.median(times["partner"]), statistics.median(times["baseline"])
            print(f"{tls:<11} {p:8.1f} {b:9.1f} {p - b:8.1f}", flush=True)
        tls = choices[0]
        spec = os.path.join(checkout, "spec", "minted-connect.yaml")
        with open(spec) as f:
            text = f.read()
        with open(spec, "w") as f:
            f.write(text.replace("description: A customer's balance in one currency or metal.",
                                 "description: A customer's balance in one currency or metal (edited).", 1))
        edited = build(os.path.join(work, f"partner-{tls}-{args.runs - 1}"),
                       os.path.join(work, f"target-partner-{tls}-{args.runs - 1}"))
        print(f"rebuild of the partner ({tls}) after a one-line spec edit: {edited:.1f} s")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
