// SPDX-License-Identifier: MIT
// Not listed in the target: the test edits it and expects a build.
#ifndef HEADERSONSAVE_VALUE_H
#define HEADERSONSAVE_VALUE_H

inline int headerValue()
{
    return 1;
}

#endif
