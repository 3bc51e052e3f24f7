/* TEMP placeholder until the SEIR parser lands. */
#include "seir.h"
loom_status seir_parse(const char *text, size_t len, const char *name, seir_net **out, loom_err *e)
{ (void)text; (void)len; *out = NULL; return loom_fail(e, LOOM_E_UNSUPPORTED, "%s: parser not built", name); }
loom_status seir_parse_file(const char *path, seir_net **out, loom_err *e)
{ *out = NULL; return loom_fail(e, LOOM_E_UNSUPPORTED, "%s: parser not built", path); }
loom_status seir_print(const seir_net *net, FILE *f, loom_err *e) { (void)net; (void)f; return loom_fail(e, LOOM_E_UNSUPPORTED, "printer not built"); }
loom_status seir_print_file(const seir_net *net, const char *path, loom_err *e) { (void)net; (void)path; return loom_fail(e, LOOM_E_UNSUPPORTED, "printer not built"); }
loom_status seir_validate(const seir_net *net, loom_err *e) { (void)net; (void)e; return LOOM_OK; }
