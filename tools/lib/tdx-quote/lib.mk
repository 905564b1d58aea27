# SPDX-License-Identifier: GPL-2.0-only
# Included by the tool Makefiles: the shared TDX quote code.
TDXQ_LIB_DIR := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
TDXQ_PARSE_SRCS := $(TDXQ_LIB_DIR)/parse.c
TDXQ_CRYPTO_SRCS := $(TDXQ_LIB_DIR)/crypto.c $(TDXQ_LIB_DIR)/build.c
TDXQ_HDRS := $(wildcard $(TDXQ_LIB_DIR)/*.h)
