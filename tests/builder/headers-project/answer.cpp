// SPDX-License-Identifier: MIT
#include "generated.h"
#include "value.h"

#include <vector>

extern "C" int answer()
{
    const std::vector<int> parts{headerValue(), GENERATED_OFFSET};
    return parts[0] + parts[1];
}
