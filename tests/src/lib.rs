//! mote-tests
