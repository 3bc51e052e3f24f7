# tests/support/mpi.sh -- sourced by the integration tests that run loom
# under mpirun (mpi_evolve.sh, mpi_verify.sh): fail, the check that mpirun
# is installed, the mpirun command line in MPI, and cd "$WORK".
set -u
fail() { echo "FAIL: $*"; exit 1; }
command -v mpirun > /dev/null || fail "mpirun not found (make deps installs openmpi-bin)"
MPI=(mpirun --oversubscribe --allow-run-as-root --bind-to none)
export OMPI_MCA_mpi_yield_when_idle=1 # waiting ranks yield: the machine is shared
cd "$WORK" || fail "no WORK folder"
