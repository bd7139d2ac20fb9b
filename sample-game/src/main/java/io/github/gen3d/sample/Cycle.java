package io.github.gen3d.sample;

import com.simsilica.lemur.Button;
import java.util.ArrayList;
import java.util.List;

/** A button that steps through a list of choices on each click (a dropdown without popups). */
final class Cycle {
    private final Button button;
    private final List<String> items = new ArrayList<>();
    private int index;

    Cycle(Button button, List<String> items) {
        this.button = button;
        this.items.addAll(items);
        button.addClickCommands(src -> select((index + 1) % this.items.size()));
        show();
    }

    Button button() {
        return button;
    }

    String selected() {
        return items.get(index);
    }

    List<String> items() {
        return items;
    }

    void addAll(List<String> more) {
        items.addAll(more);
        show();
    }

    void select(String item) {
        int i = items.indexOf(item);
        if (i < 0) {
            throw new IllegalArgumentException("no choice '" + item + "' in " + items);
        }
        select(i);
    }

    private void select(int i) {
        index = i;
        show();
    }

    private void show() {
        button.setText("< " + items.get(index) + " >");
    }
}
