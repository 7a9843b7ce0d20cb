// SPDX-License-Identifier: MIT
function word() { return "v1" }
