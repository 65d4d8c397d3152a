//! The scripts of the suite's proposal folders (`proposals/wasm-3.0`,
//! `proposals/custom-page-sizes`), each assigned to the proposal it tests or needs.
//!
//! Every `.wast` file of a folder must be in its table (a new script fails the run until
//! it is classified), and a script runs only when its proposal does: the others are
//! counted as skipped with the reason, never dropped silently. Most `wasm-3.0` scripts
//! are the 3.0 versions of core scripts; one that needs a proposal mote lacks (a typed
//! reference in one module, a 64-bit memory) is listed under that proposal.
//!
//! Enabling a proposal in the engines is one line here: its `skip` becomes `None`.

/// A proposal, as the report names it, and why its scripts do not run (if they do not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proposal {
    pub name: &'static str,
    /// `None`: the scripts run; else why they are skipped.
    pub skip: Option<&'static str>,
}

/// Wasm 3.0 versions of core scripts that need nothing beyond what mote runs.
pub const CORE: Proposal = Proposal {
    name: "core",
    skip: None,
};
pub const TAIL_CALL: Proposal = Proposal {
    name: "tail-call",
    skip: None,
};
pub const MULTI_MEMORY: Proposal = Proposal {
    name: "multi-memory",
    skip: None,
};
pub const MEMORY64: Proposal = Proposal {
    name: "memory64",
    skip: None,
};
pub const CUSTOM_PAGE_SIZES: Proposal = Proposal {
    name: "custom-page-sizes",
    skip: None,
};
pub const FUNCTION_REFERENCES: Proposal = Proposal {
    name: "function-references",
    skip: Some("typed function references are not implemented"),
};
pub const GC: Proposal = Proposal {
    name: "gc",
    skip: Some("GC is not implemented"),
};
pub const EXCEPTIONS: Proposal = Proposal {
    name: "exception-handling",
    skip: Some("exception handling is not implemented"),
};
pub const SIMD: Proposal = Proposal {
    name: "simd",
    skip: Some("SIMD is not implemented yet (issue 13)"),
};
pub const RELAXED_SIMD: Proposal = Proposal {
    name: "relaxed-simd",
    skip: Some("SIMD is not implemented yet (issue 13)"),
};

/// A folder of proposal scripts, relative to the suite's root, and its table.
pub struct ProposalSuite {
    pub dir: &'static str,
    pub scripts: &'static [(&'static str, Proposal)],
}

/// The proposal folders the spec test runs after the core suite.
pub const PROPOSAL_SUITES: &[ProposalSuite] = &[
    ProposalSuite {
        dir: "proposals/wasm-3.0",
        scripts: WASM_3_0,
    },
    ProposalSuite {
        dir: "proposals/custom-page-sizes",
        scripts: &[
            ("custom-page-sizes-invalid.wast", CUSTOM_PAGE_SIZES),
            ("custom-page-sizes.wast", CUSTOM_PAGE_SIZES),
            // Limits near 2^32 and 2^64 bytes: their 64-bit forms need memory64.
            ("memory_max.wast", MEMORY64),
            ("memory_max_i64.wast", MEMORY64),
        ],
    },
];

const WASM_3_0: &[(&str, Proposal)] = &[
    // 64-bit memarg offsets and memory limits in the messages of a few directives.
    ("address.wast", MEMORY64),
    ("address0.wast", MULTI_MEMORY),
    ("address1.wast", MULTI_MEMORY),
    ("address64.wast", MEMORY64),
    ("align.wast", MEMORY64),
    ("align0.wast", MULTI_MEMORY),
    ("align64.wast", MEMORY64),
    ("annotations.wast", CORE),
    ("array.wast", GC),
    ("array_copy.wast", GC),
    ("array_fill.wast", GC),
    ("array_init_data.wast", GC),
    ("array_init_elem.wast", GC),
    ("array_new_data.wast", GC),
    ("array_new_elem.wast", GC),
    ("binary-gc.wast", GC),
    ("binary-leb128.wast", MEMORY64),
    ("binary.wast", CORE),
    ("binary0.wast", MULTI_MEMORY),
    ("br_if.wast", FUNCTION_REFERENCES),
    ("br_on_cast.wast", GC),
    ("br_on_cast_fail.wast", GC),
    ("br_on_non_null.wast", FUNCTION_REFERENCES),
    ("br_on_null.wast", FUNCTION_REFERENCES),
    ("br_table.wast", FUNCTION_REFERENCES),
    ("bulk.wast", CORE),
    ("bulk64.wast", MEMORY64),
    ("call_indirect64.wast", MEMORY64),
    ("call_ref.wast", FUNCTION_REFERENCES),
    // Also extended constants; `global.get` of a defined global in a constant
    // expression is GC's extension.
    ("data.wast", GC),
    ("data0.wast", MULTI_MEMORY),
    ("data1.wast", MULTI_MEMORY),
    ("data_drop0.wast", MULTI_MEMORY),
    ("elem.wast", GC),
    ("endianness64.wast", MEMORY64),
    ("exports.wast", EXCEPTIONS),
    ("exports0.wast", MULTI_MEMORY),
    ("extern.wast", GC),
    ("float_exprs0.wast", MULTI_MEMORY),
    ("float_exprs1.wast", MULTI_MEMORY),
    ("float_memory0.wast", MULTI_MEMORY),
    ("float_memory64.wast", MEMORY64),
    ("func.wast", FUNCTION_REFERENCES),
    ("global.wast", GC),
    ("i16x8_relaxed_q15mulr_s.wast", RELAXED_SIMD),
    ("i31.wast", GC),
    ("i32x4_relaxed_trunc.wast", RELAXED_SIMD),
    ("i8x16_relaxed_swizzle.wast", RELAXED_SIMD),
    ("id.wast", CORE),
    ("if.wast", CORE),
    ("imports.wast", EXCEPTIONS),
    ("imports0.wast", MULTI_MEMORY),
    ("imports1.wast", MULTI_MEMORY),
    ("imports2.wast", MULTI_MEMORY),
    ("imports3.wast", MULTI_MEMORY),
    ("imports4.wast", MULTI_MEMORY),
    ("instance.wast", FUNCTION_REFERENCES),
    ("linking.wast", FUNCTION_REFERENCES),
    ("linking0.wast", MULTI_MEMORY),
    ("linking1.wast", MULTI_MEMORY),
    ("linking2.wast", MULTI_MEMORY),
    ("linking3.wast", MULTI_MEMORY),
    ("load0.wast", MULTI_MEMORY),
    ("load1.wast", MULTI_MEMORY),
    ("load2.wast", MULTI_MEMORY),
    ("load64.wast", MEMORY64),
    ("local_get.wast", CORE),
    ("local_init.wast", FUNCTION_REFERENCES),
    ("local_tee.wast", FUNCTION_REFERENCES),
    ("memory-multi.wast", MULTI_MEMORY),
    ("memory.wast", MEMORY64),
    ("memory64-imports.wast", MEMORY64),
    ("memory64.wast", MEMORY64),
    ("memory_copy.wast", CORE),
    ("memory_copy0.wast", MULTI_MEMORY),
    ("memory_copy1.wast", MULTI_MEMORY),
    ("memory_copy64.wast", MEMORY64),
    ("memory_fill.wast", CORE),
    ("memory_fill0.wast", MULTI_MEMORY),
    ("memory_fill64.wast", MEMORY64),
    ("memory_grow.wast", MULTI_MEMORY),
    ("memory_grow64.wast", MEMORY64),
    ("memory_init.wast", CORE),
    ("memory_init0.wast", MULTI_MEMORY),
    ("memory_init64.wast", MEMORY64),
    ("memory_redundancy64.wast", MEMORY64),
    ("memory_size0.wast", MULTI_MEMORY),
    ("memory_size1.wast", MULTI_MEMORY),
    ("memory_size2.wast", MULTI_MEMORY),
    ("memory_size3.wast", MULTI_MEMORY),
    ("memory_size_import.wast", MULTI_MEMORY),
    ("memory_trap0.wast", MULTI_MEMORY),
    ("memory_trap1.wast", MULTI_MEMORY),
    ("memory_trap64.wast", MEMORY64),
    ("ref.wast", GC),
    ("ref_as_non_null.wast", FUNCTION_REFERENCES),
    ("ref_cast.wast", GC),
    ("ref_eq.wast", GC),
    ("ref_is_null.wast", FUNCTION_REFERENCES),
    ("ref_null.wast", GC),
    ("ref_test.wast", GC),
    ("relaxed_dot_product.wast", RELAXED_SIMD),
    ("relaxed_laneselect.wast", RELAXED_SIMD),
    ("relaxed_madd_nmadd.wast", RELAXED_SIMD),
    ("relaxed_min_max.wast", RELAXED_SIMD),
    ("return_call.wast", TAIL_CALL),
    ("return_call_indirect.wast", TAIL_CALL),
    ("return_call_ref.wast", FUNCTION_REFERENCES),
    ("select.wast", FUNCTION_REFERENCES),
    ("simd_address.wast", SIMD),
    ("simd_lane.wast", SIMD),
    ("simd_memory-multi.wast", SIMD),
    ("start0.wast", MULTI_MEMORY),
    ("store0.wast", MULTI_MEMORY),
    ("store1.wast", MULTI_MEMORY),
    ("store2.wast", MULTI_MEMORY),
    ("struct.wast", GC),
    ("table-sub.wast", GC),
    ("table.wast", FUNCTION_REFERENCES),
    ("table_copy.wast", CORE),
    ("table_copy64.wast", MEMORY64),
    ("table_copy_mixed.wast", MEMORY64),
    ("table_fill.wast", CORE),
    ("table_fill64.wast", MEMORY64),
    ("table_get.wast", CORE),
    ("table_get64.wast", MEMORY64),
    // 64-bit tables in its first module.
    ("table_grow.wast", MEMORY64),
    ("table_init.wast", CORE),
    ("table_init64.wast", MEMORY64),
    ("table_set64.wast", MEMORY64),
    ("table_size64.wast", MEMORY64),
    ("tag.wast", EXCEPTIONS),
    ("throw.wast", EXCEPTIONS),
    ("throw_ref.wast", EXCEPTIONS),
    ("token.wast", CORE),
    ("traps0.wast", MULTI_MEMORY),
    ("try_table.wast", EXCEPTIONS),
    ("type-canon.wast", GC),
    ("type-equivalence.wast", GC),
    ("type-rec.wast", GC),
    ("type-subtyping.wast", GC),
    ("unreached-invalid.wast", FUNCTION_REFERENCES),
    ("unreached-valid.wast", FUNCTION_REFERENCES),
];

/// The SIMD scripts of the core suite (`simd_*.wast`), skipped like a proposal's.
pub fn core_script(name: &str) -> Option<Proposal> {
    name.starts_with("simd_").then_some(SIMD)
}
