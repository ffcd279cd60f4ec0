# VM definition files (kernel/vmm/vmdef.c): parse, validate, write back.
UNIT_TESTS += vmdef
vmdef_SRCS := tests/unit/test_vmdef.c kernel/vmm/vmdef.c kernel/lib/hvcfg.c tests/unit/host_kstr.c
