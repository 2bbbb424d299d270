# NVMe register values, doorbells, command encoders, completion decoding,
# queue rings, Identify Namespace parsing and the opcode allow-list.
UNIT_TESTS += nvme_cmd
nvme_cmd_SRCS := tests/unit/test_nvme_cmd.c drivers/nvme_cmd.c
