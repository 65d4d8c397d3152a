/* Names for WASI errno values, so fixtures print "ENOENT" rather than a number or a
 * libc-specific strerror text. The numbers are WASI's (wasi-libc's errno uses them too). */
#ifndef ERRNAME_H
#define ERRNAME_H

static const char *const errnames[] = {
    "OK",           "E2BIG",        "EACCES",        "EADDRINUSE",   "EADDRNOTAVAIL",
    "EAFNOSUPPORT", "EAGAIN",       "EALREADY",      "EBADF",        "EBADMSG",
    "EBUSY",        "ECANCELED",    "ECHILD",        "ECONNABORTED", "ECONNREFUSED",
    "ECONNRESET",   "EDEADLK",      "EDESTADDRREQ",  "EDOM",         "EDQUOT",
    "EEXIST",       "EFAULT",       "EFBIG",         "EHOSTUNREACH", "EIDRM",
    "EILSEQ",       "EINPROGRESS",  "EINTR",         "EINVAL",       "EIO",
    "EISCONN",      "EISDIR",       "ELOOP",         "EMFILE",       "EMLINK",
    "EMSGSIZE",     "EMULTIHOP",    "ENAMETOOLONG",  "ENETDOWN",     "ENETRESET",
    "ENETUNREACH",  "ENFILE",       "ENOBUFS",       "ENODEV",       "ENOENT",
    "ENOEXEC",      "ENOLCK",       "ENOLINK",       "ENOMEM",       "ENOMSG",
    "ENOPROTOOPT",  "ENOSPC",       "ENOSYS",        "ENOTCONN",     "ENOTDIR",
    "ENOTEMPTY",    "ENOTRECOVERABLE", "ENOTSOCK",   "ENOTSUP",      "ENOTTY",
    "ENXIO",        "EOVERFLOW",    "EOWNERDEAD",    "EPERM",        "EPIPE",
    "EPROTO",       "EPROTONOSUPPORT", "EPROTOTYPE", "ERANGE",       "EROFS",
    "ESPIPE",       "ESRCH",        "ESTALE",        "ETIMEDOUT",    "ETXTBSY",
    "EXDEV",        "ENOTCAPABLE",
};

static const char *errname(int e) {
    if (e >= 0 && e < (int)(sizeof errnames / sizeof errnames[0]))
        return errnames[e];
    return "E?";
}

#endif
