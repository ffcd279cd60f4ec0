UNIT_TESTS += vmdef_json
vmdef_json_SRCS := tests/unit/test_vmdef_json.c kernel/mgmt/vmdef_json.c kernel/mgmt/json_parse.c \
                   kernel/mgmt/json.c kernel/vmm/vmdef.c kernel/lib/hvcfg.c tests/unit/host_kstr.c
