"""ctypes declarations of libloom.so (include/loom/loom.h); internal."""
import ctypes
import ctypes.util
import os

_HERE = os.path.dirname(os.path.abspath(__file__))
ERR_MSG = 1024


class LoomError(Exception):
    """A failed libloom call: .status is the loom_status name, str() the message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class Err(ctypes.Structure):
    _fields_ = [("status", ctypes.c_int), ("msg", ctypes.c_char * ERR_MSG)]


class Arch(ctypes.Structure):
    _fields_ = [("w", ctypes.c_int), ("s", ctypes.c_int), ("a", ctypes.c_int), ("d", ctypes.c_int)]


class LoadOpts(ctypes.Structure):
    _fields_ = [("board", ctypes.c_char_p), ("arch_set", ctypes.c_int), ("arch", Arch),
                ("dt", ctypes.c_double), ("dt_set", ctypes.c_int),
                ("reset_subtract", ctypes.c_int), ("pipeline", ctypes.c_int)]


class Layer(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char * 64), ("first", ctypes.c_uint32), ("count", ctypes.c_uint32),
                ("profile", ctypes.c_char * 64), ("theta", ctypes.c_int32),
                ("synapses", ctypes.c_uint64), ("sources", ctypes.c_uint32),
                ("w_min", ctypes.c_int32), ("w_max", ctypes.c_int32), ("w_use", ctypes.c_double),
                ("outputs", ctypes.c_uint32), ("profiles", ctypes.c_uint32)]


class ReportOpts(ctypes.Structure):
    _fields_ = [("rate", ctypes.c_double), ("seed", ctypes.c_uint64), ("steps", ctypes.c_uint64)]


def _candidates():
    env = os.environ.get("LOOM_LIBRARY")
    if env:
        yield env
        return
    try:
        from . import _installed  # written by make install
        yield os.path.join(_installed.LIBDIR, "libloom.so.0")
    except ImportError:
        pass
    # the source tree: python/loom -> ../../$BUILD/lib
    build = os.environ.get("BUILD", "build")
    root = os.path.dirname(os.path.dirname(_HERE))
    yield os.path.join(root, build, "lib", "libloom.so.0")
    found = ctypes.util.find_library("loom")
    if found:
        yield found
    yield "libloom.so.0"


def _open():
    tried = []
    for path in _candidates():
        if os.path.sep in path and not os.path.exists(path):
            tried.append(path + " (missing)")
            continue
        try:
            return ctypes.CDLL(path)
        except OSError as ex:
            tried.append("%s (%s)" % (path, ex))
    raise ImportError("loom: cannot load libloom.so; tried " + "; ".join(tried) +
                      " (set LOOM_LIBRARY to its path)")


lib = _open()

P = ctypes.c_void_p
_u8p = ctypes.POINTER(ctypes.c_uint8)
_i32p = ctypes.POINTER(ctypes.c_int32)
_dblp = ctypes.POINTER(ctypes.c_double)
_errp = ctypes.POINTER(Err)
_u32 = ctypes.c_uint32
_u64 = ctypes.c_uint64
_st = ctypes.c_int


def _sig(name, res, *args):
    f = getattr(lib, name)
    f.restype = res
    f.argtypes = list(args)


_sig("loom_version", ctypes.c_char_p)
_sig("loom_status_str", ctypes.c_char_p, ctypes.c_int)
_sig("loom_data_root", ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t)
_sig("loom_load_opts_default", None, ctypes.POINTER(LoadOpts))
_sig("loom_net_load", _st, ctypes.c_char_p, ctypes.POINTER(LoadOpts), ctypes.POINTER(P), _errp)
_sig("loom_net_free", None, P)
_sig("loom_net_kind", ctypes.c_int, P)
_sig("loom_net_arch", None, P, ctypes.POINTER(Arch))
_sig("loom_net_inputs", _u32, P)
_sig("loom_net_neurons", _u32, P)
_sig("loom_net_outputs", _u32, P)
_sig("loom_net_output", _u32, P, _u32)
_sig("loom_net_input_graded", ctypes.c_int, P, _u32)
_sig("loom_net_neuron_name", ctypes.c_char_p, P, _u32, ctypes.c_char_p, ctypes.c_size_t)
_sig("loom_net_save_seir", _st, P, ctypes.c_char_p, _errp)
_sig("loom_report_opts_default", None, ctypes.POINTER(ReportOpts))
_sig("loom_net_report", _st, P, ctypes.POINTER(ReportOpts), ctypes.POINTER(P), _errp)
_sig("loom_report_free", None, P)
_sig("loom_report_layers", _u32, P)
_sig("loom_report_layer", ctypes.POINTER(Layer), P, _u32)
_sig("loom_report_agreement", ctypes.c_double, P)
_sig("loom_report_text", ctypes.c_char_p, P)
_sig("loom_sim_new", _st, P, ctypes.POINTER(P), _errp)
_sig("loom_sim_free", None, P)
_sig("loom_sim_run", _st, P, _i32p, _u64, _u32, _u8p, _i32p, _errp)
_sig("loom_net_sim_float", _st, P, _i32p, _u64, _u32, _u8p, _dblp, _errp)
_sig("loom_board_open", _st, ctypes.c_char_p, ctypes.c_uint, ctypes.POINTER(P), _errp)
_sig("loom_board_close", None, P)
_sig("loom_board_arch", None, P, ctypes.POINTER(Arch), ctypes.POINTER(_u32), ctypes.POINTER(_u32))
_sig("loom_board_load", _st, P, P, _errp)
_sig("loom_board_run", _st, P, _i32p, _u64, _u32, _u8p, _errp)
_sig("loom_board_step", _st, P, _i32p, _u32, _u8p, _errp)
_sig("loom_vboard_start", _st, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(P), _errp)
_sig("loom_vboard_port", ctypes.c_char_p, P)
_sig("loom_vboard_stop", None, P)


def check(st, err):
    """Raises LoomError for a non-zero loom_status."""
    if st:
        name = lib.loom_status_str(st).decode()
        raise LoomError(name, err.msg.decode(errors="replace") or name)
