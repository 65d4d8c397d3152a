//! mote-aotc: the ahead-of-time compiler. Not implemented yet (see the AOT issue).
