// SPDX-License-Identifier: MIT
import QtQuick

Rectangle {
    property int score: 0
    width: 60
    height: 60
    color: "red"
    Text { objectName: "caption"; text: "card " + parent.score }
}
